// A dataset's versions, newest first; a source-backed dataset can be read again as version n+1.

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ErrorState, Loading } from "../../../components/States";
import { client, errorMessage, unwrap } from "../../../api/client";
import { formatBytes, formatDate } from "../../../lib/format";
import { ExportLinks } from "../ExportLinks";
import { datasetKeys, useVersions } from "../queries";

export function VersionsList({ datasetId, sourceKind, status }: { datasetId: string; sourceKind: string; status: string }) {
  const queryClient = useQueryClient();
  const path = { params: { path: { dataset_id: datasetId } } };
  const versions = useVersions(datasetId, status);
  const refresh = useMutation({
    mutationFn: () => unwrap(client.POST("/api/v1/datasets/{dataset_id}/versions", path)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: datasetKeys.one(datasetId) }),
  });
  return (
    <section className="panel" aria-labelledby="versions-title">
      <div className="panel-head">
        <h2 id="versions-title">Versions</h2>
        {sourceKind !== "upload" && (
          <button type="button" onClick={() => refresh.mutate()} disabled={refresh.isPending}>
            Read the {sourceKind} source again
          </button>
        )}
      </div>
      {refresh.isError && <p role="alert">{errorMessage(refresh.error)}</p>}
      {versions.isPending && <Loading what="versions" />}
      {versions.isError && <ErrorState title="Could not list the versions" error={versions.error} />}
      {versions.data !== undefined && (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">From</th>
              <th scope="col">Rows × columns</th>
              <th scope="col">Size</th>
              <th scope="col">Created</th>
              <th scope="col">Download</th>
            </tr>
          </thead>
          <tbody>
            {versions.data.versions.map((v) => (
              <tr key={v.version}>
                <td>{v.version}</td>
                <td>{v.source_filename}</td>
                <td>
                  {v.n_rows.toLocaleString("en-US")} × {v.n_columns}
                </td>
                <td>{formatBytes(v.size_bytes)}</td>
                <td>{formatDate(v.created_at)}</td>
                <td>
                  <ExportLinks datasetId={datasetId} version={v.version} label={`version ${v.version}`} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
