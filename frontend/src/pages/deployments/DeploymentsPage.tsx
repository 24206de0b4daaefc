import { Link } from "react-router";
import { Empty, ErrorState, Loading } from "../../components/States";
import { StatusBadge } from "../../components/StatusBadge";
import { formatDate } from "../../lib/format";
import { canarySplit } from "../../lib/rollout";
import { DeployForm } from "./DeployForm";
import { useDeployments } from "./queries";
import { UndeployButton } from "./UndeployButton";

export default function DeploymentsPage() {
  const list = useDeployments();
  const deployments = list.data?.deployments ?? [];
  return (
    <div className="page">
      <h1>Deployments</h1>
      <DeployForm />
      <section className="panel" aria-labelledby="endpoints-title">
        <div className="panel-head">
          <h2 id="endpoints-title">Endpoints</h2>
        </div>
        {list.isPending && <Loading what="deployments" />}
        {list.isError && <ErrorState title="Could not list the deployments" error={list.error} />}
        {list.data !== undefined && deployments.length === 0 && <Empty>Nothing is deployed yet.</Empty>}
        {deployments.length > 0 && (
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Model</th>
                  <th scope="col">Traffic</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {deployments.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <Link to={`/deployments/${d.id}`}>{d.name}</Link>
                    </td>
                    <td>
                      <Link to={`/models/${encodeURIComponent(d.model_name)}`}>{d.model_name}</Link>
                    </td>
                    <td>
                      {canarySplit(d)}
                      {d.model_alias && <span className="tag alias-tag">{d.model_alias}</span>}
                    </td>
                    <td>
                      <StatusBadge status={d.status} />
                    </td>
                    <td>{formatDate(d.created_at)}</td>
                    <td>{d.status !== "DELETED" && <UndeployButton id={d.id} name={d.name} />}</td>
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
