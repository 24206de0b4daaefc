import { Link, useParams, useSearchParams } from "react-router";
import { ErrorState, Loading } from "../../components/States";
import { StatusBadge } from "../../components/StatusBadge";
import { formatBytes, formatDate } from "../../lib/format";
import { ExportLinks } from "./ExportLinks";
import { ProfileView } from "./ProfileView";
import { useDataset } from "./queries";
import { RowsTable } from "./RowsTable";
import { VersionsList } from "./sources/VersionsList";
import { VersionPicker } from "./VersionPicker";

export default function DatasetPage() {
  const { datasetId = "" } = useParams();
  const dataset = useDataset(datasetId);
  const [params, setParams] = useSearchParams();
  if (dataset.isPending) return <Loading what="dataset" />;
  if (dataset.isError) return <ErrorState title={`Could not open dataset ${datasetId}`} error={dataset.error} />;
  const d = dataset.data;
  const latest = d.version ?? 1;
  // ?version=n shows an older version's rows, profile and target analysis; the latest without it.
  const asked = Number(params.get("version"));
  const shown = Number.isInteger(asked) && asked >= 1 ? asked : latest;
  const show = (version: number) => {
    const next = new URLSearchParams(params);
    if (version === latest) next.delete("version");
    else next.set("version", String(version));
    setParams(next, { replace: true });
  };
  return (
    <div className="page">
      <div className="page-head">
        <h1>{d.name}</h1>
        <StatusBadge status={d.status} />
        <Link className="button-link" to={`/canvas?dataset=${encodeURIComponent(d.id)}`}>
          Open on canvas
        </Link>
        {d.status === "READY" && (
          <span className="muted">
            Download <ExportLinks datasetId={d.id} label={`${d.name} (version ${d.version ?? 1})`} />
          </span>
        )}
      </div>
      <dl className="facts">
        <div>
          <dt>File</dt>
          <dd>{d.source_filename}</dd>
        </div>
        <div>
          <dt>Rows × columns</dt>
          <dd>
            {d.n_rows.toLocaleString("en-US")} × {d.n_columns}
          </dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>{formatBytes(d.size_bytes)}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatDate(d.created_at)}</dd>
        </div>
        <div>
          <dt>Id</dt>
          <dd>
            <code>{d.id}</code>
          </dd>
        </div>
      </dl>
      {d.status === "PENDING" && <Loading what={`${d.source_filename} (reading and profiling)`} />}
      {d.status === "FAILED" && <ErrorState title={`Could not ingest ${d.source_filename}`} error={d.error ?? "ingestion failed"} />}
      {d.status === "READY" && (
        <>
          <div className="form-actions">
            <VersionPicker datasetId={d.id} status={d.status} latest={latest} version={shown} onChange={show} />
          </div>
          <RowsTable key={shown} datasetId={d.id} version={shown} totalRows={d.n_rows} />
          <ProfileView datasetId={d.id} version={shown} />
        </>
      )}
      {/* Dataset versions (ingestion). */}
      <VersionsList datasetId={d.id} sourceKind={d.source_kind ?? "upload"} status={d.status} />
    </div>
  );
}
