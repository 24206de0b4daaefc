import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { client, unwrap } from "../../api/client";
import { Empty, ErrorState, Loading } from "../../components/States";
import { formatDate } from "../../lib/format";

export default function ModelsPage() {
  const list = useQuery({
    queryKey: ["models"],
    queryFn: () => unwrap(client.GET("/api/v1/models", { params: { query: { limit: 200 } } })),
  });
  return (
    <div className="page">
      <h1>Models</h1>
      <section className="panel" aria-labelledby="models-title">
        <div className="panel-head">
          <h2 id="models-title">Registered models</h2>
          {list.data !== undefined && <span className="muted">{list.data.total} in total</span>}
        </div>
        {list.isPending && <Loading what="models" />}
        {list.isError && <ErrorState title="Could not list the models" error={list.error} />}
        {list.data !== undefined && list.data.models.length === 0 && (
          <Empty>No registered models yet: a successful training job registers its model here.</Empty>
        )}
        {list.data !== undefined && list.data.models.length > 0 && (
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Task</th>
                  <th scope="col">Latest version</th>
                  <th scope="col">Created</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {list.data.models.map((m) => (
                  <tr key={m.name}>
                    <td>
                      <Link to={`/models/${encodeURIComponent(m.name)}`}>{m.name}</Link>
                    </td>
                    <td>{m.task}</td>
                    <td>v{m.latest_version}</td>
                    <td>{formatDate(m.created_at)}</td>
                    <td>{formatDate(m.updated_at)}</td>
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
