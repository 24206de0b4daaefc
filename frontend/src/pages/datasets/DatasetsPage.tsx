import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { client, unwrap } from "../../api/client";
import { Empty, ErrorState, Loading } from "../../components/States";
import { StatusBadge } from "../../components/StatusBadge";
import { formatBytes, formatDate } from "../../lib/format";
import { datasetKeys } from "./queries";
import { UploadDataset } from "./UploadDataset";
import { SourceForm } from "./sources/SourceForm";

export default function DatasetsPage() {
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: datasetKeys.all,
    queryFn: () => unwrap(client.GET("/api/v1/datasets", { params: { query: { limit: 200 } } })),
    refetchInterval: (query) => (query.state.data?.datasets.some((d) => d.status === "PENDING") ? 2000 : false),
  });
  return (
    <div className="page">
      <h1>Datasets</h1>
      <UploadDataset />
      {/* Datasets read from a database, an API or S3 (ingestion). */}
      <SourceForm onCreated={() => void queryClient.invalidateQueries({ queryKey: datasetKeys.all })} />
      <section className="panel" aria-labelledby="datasets-title">
        <div className="panel-head">
          <h2 id="datasets-title">All datasets</h2>
          {list.data !== undefined && <span className="muted">{list.data.total} in total</span>}
        </div>
        {list.isPending && <Loading what="datasets" />}
        {list.isError && <ErrorState title="Could not list the datasets" error={list.error} />}
        {list.data !== undefined && list.data.datasets.length === 0 && <Empty>No datasets yet: upload a CSV above.</Empty>}
        {list.data !== undefined && list.data.datasets.length > 0 && (
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Status</th>
                  <th scope="col">Rows × columns</th>
                  <th scope="col">Size</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {list.data.datasets.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <Link to={`/datasets/${d.id}`}>{d.name}</Link>
                    </td>
                    <td>
                      <StatusBadge status={d.status} />
                    </td>
                    <td>
                      {d.n_rows.toLocaleString("en-US")} × {d.n_columns}
                    </td>
                    <td>{formatBytes(d.size_bytes)}</td>
                    <td>{formatDate(d.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
