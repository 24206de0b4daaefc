import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { MetricsTable } from "../../components/MetricsTable";
import { EvaluationView } from "../jobs/EvaluationView";
import { Empty, ErrorState, Loading } from "../../components/States";
import { formatDate, formatNumber } from "../../lib/format";
import { AliasPanel } from "./AliasPanel";
import { useDeploy, useVersions } from "./queries";

/** The test metrics the versions table shows (at most two, in this order of preference). */
const TABLE_METRICS = ["test_accuracy", "test_f1", "test_roc_auc", "test_r2", "test_rmse", "test_mae", "test_silhouette"];

export default function ModelPage() {
  const { modelName = "" } = useParams();
  const navigate = useNavigate();
  const versions = useVersions(modelName);
  const deploy = useDeploy();
  const [selected, setSelected] = useState<number[]>([]);
  const [detail, setDetail] = useState<number | null>(null);
  if (versions.isPending) return <Loading what="model versions" />;
  if (versions.isError) return <ErrorState title={`Could not open model ${modelName}`} error={versions.error} />;
  const list = [...versions.data.versions].sort((a, b) => b.version - a.version);
  const present = new Set(list.flatMap((v) => Object.keys(v.metrics)));
  const testKeys = TABLE_METRICS.filter((k) => present.has(k)).slice(0, 2);
  const shown = list.find((v) => v.version === detail) ?? list[0];
  const toggle = (version: number) =>
    setSelected((s) => (s.includes(version) ? s.filter((x) => x !== version) : [...s, version].slice(-2)));
  const compare = () => {
    const [a, b] = [...selected].sort((x, y) => x - y);
    navigate(`/models/${encodeURIComponent(modelName)}/compare?a=${a}&b=${b ?? ""}`);
  };
  return (
    <div className="page">
      <div className="page-head">
        <h1>{modelName}</h1>
        <span className="tag">{list[0]?.task}</span>
        <div className="actions">
          <button type="button" onClick={compare} disabled={selected.length !== 2}>
            Compare selected versions
          </button>
        </div>
      </div>
      {list.length < 2 && <p className="muted">Only one version so far: train again to compare two versions side by side.</p>}
      {deploy.isError && <ErrorState title="Could not deploy" error={deploy.error} />}
      <section className="panel" aria-labelledby="versions-title">
        <div className="panel-head">
          <h2 id="versions-title">Versions</h2>
          <span className="muted">select two to compare</span>
        </div>
        {list.length === 0 ? (
          <Empty>This model has no versions.</Empty>
        ) : (
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Model versions">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Compare</th>
                  <th scope="col">Version</th>
                  <th scope="col">Model type</th>
                  <th scope="col">Runtime</th>
                  <th scope="col">Aliases</th>
                  {testKeys.map((k) => (
                    <th scope="col" className="num" key={k}>
                      {k.replace("_", " ")}
                    </th>
                  ))}
                  <th scope="col">Created</th>
                  <th scope="col">Lineage</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {list.map((v) => (
                  <tr key={v.version}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select version ${v.version} to compare`}
                        checked={selected.includes(v.version)}
                        onChange={() => toggle(v.version)}
                      />
                    </td>
                    <td>
                      <button type="button" className="link-button" onClick={() => setDetail(v.version)}>
                        v{v.version}
                      </button>
                    </td>
                    <td>{v.model_type}</td>
                    <td>
                      <span className="tag" title={v.runtime === "onnxruntime" ? "served by ONNX Runtime" : "served by scikit-learn"}>
                        {v.runtime}
                      </span>
                    </td>
                    <td data-testid={`aliases-v${v.version}`}>
                      {v.aliases.length === 0
                        ? "—"
                        : v.aliases.map((a) => (
                            <span className="tag alias-tag" key={a}>
                              {a}
                            </span>
                          ))}
                    </td>
                    {testKeys.map((k) => (
                      <td className="num" key={k}>
                        {formatNumber(v.metrics[k])}
                      </td>
                    ))}
                    <td>{formatDate(v.created_at)}</td>
                    <td className="lineage">
                      <Link to={`/datasets/${v.lineage.dataset_id}`} aria-label={`Dataset of version ${v.version}`}>
                        dataset
                      </Link>
                      {v.lineage.dataset_version != null && ` v${v.lineage.dataset_version}`}
                      {" · "}
                      <Link to={`/jobs/${v.lineage.job_id}`} aria-label={`Job of version ${v.version}`}>
                        job
                      </Link>
                      {" · "}
                      <Link to={`/canvas?job=${encodeURIComponent(v.lineage.job_id)}`} aria-label={`Open pipeline of version ${v.version}`}>
                        Open pipeline
                      </Link>
                    </td>
                    <td>
                      <button
                        type="button"
                        onClick={() => deploy.mutate({ model_name: v.name, model_version: v.version })}
                        disabled={deploy.isPending}
                        aria-label={`Deploy version ${v.version}`}
                      >
                        Deploy
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {list.length > 0 && <AliasPanel modelName={modelName} versions={list} />}
      {shown !== undefined && (
        <section className="panel" aria-labelledby="version-title">
          <div className="panel-head">
            <h2 id="version-title">Version {shown.version}</h2>
            <span className="muted">{shown.model_type}</span>
          </div>
          <p className="small" data-testid="version-lineage">
            Trained on{" "}
            <Link to={`/datasets/${shown.lineage.dataset_id}`}>
              dataset {shown.lineage.dataset_id.slice(0, 8)}
              {shown.lineage.dataset_version != null ? `, version ${shown.lineage.dataset_version}` : ""}
            </Link>{" "}
            by <Link to={`/jobs/${shown.lineage.job_id}`}>job {shown.lineage.job_id.slice(0, 8)}</Link>
          </p>
          <MetricsTable metrics={shown.metrics} caption={`Metrics of version ${shown.version} by split`} />
        </section>
      )}
      {shown !== undefined && <EvaluationView key={shown.version} source={{ modelName, version: shown.version }} showMetrics={false} />}
    </div>
  );
}
