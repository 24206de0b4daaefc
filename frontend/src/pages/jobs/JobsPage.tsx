import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { client, unwrap } from "../../api/client";
import { Empty, ErrorState, Loading } from "../../components/States";
import { StatusBadge } from "../../components/StatusBadge";
import { formatDate, formatDuration, formatNumber } from "../../lib/format";
import { headlineMetric } from "../../lib/metrics";
import { ACTIVE, useDatasetNames, type Job } from "./queries";

export default function JobsPage() {
  const names = useDatasetNames();
  const list = useQuery({
    queryKey: ["jobs"],
    queryFn: () => unwrap(client.GET("/api/v1/jobs", { params: { query: { limit: 100 } } })),
    refetchInterval: (query) => (query.state.data?.jobs.some((j) => ACTIVE.has(j.status)) ? 1500 : false),
  });
  const jobs = (list.data?.jobs ?? []) as Job[];
  return (
    <div className="page">
      <h1>Jobs</h1>
      <section className="panel" aria-labelledby="jobs-title">
        <div className="panel-head">
          <h2 id="jobs-title">Training jobs</h2>
          {list.data !== undefined && <span className="muted">{list.data.total} in total</span>}
        </div>
        {list.isPending && <Loading what="jobs" />}
        {list.isError && <ErrorState title="Could not list the jobs" error={list.error} />}
        {list.data !== undefined && jobs.length === 0 && (
          <Empty>
            No jobs yet: build a pipeline on the <Link to="/canvas">canvas</Link> and train it.
          </Empty>
        )}
        {jobs.length > 0 && (
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Job</th>
                  <th scope="col">Status</th>
                  <th scope="col">Model</th>
                  <th scope="col">Dataset</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Headline metric</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {jobs.map((j) => {
                  const head = headlineMetric(j.metrics);
                  return (
                    <tr key={j.id}>
                      <td>
                        <Link to={`/jobs/${j.id}`} aria-label={`Job ${j.id}`}>
                          <code>{j.id.slice(0, 8)}</code>
                        </Link>
                      </td>
                      <td>
                        <StatusBadge status={j.status} />
                        {j.status === "RUNNING" && <span className="muted"> {Math.round(j.progress * 100)}%</span>}
                      </td>
                      <td>
                        {j.model_name}
                        {j.model_version !== null && j.model_version !== undefined && ` v${j.model_version}`}
                        {(j.results?.length ?? 0) > 1 && <span className="muted"> +{(j.results?.length ?? 1) - 1} more</span>}
                      </td>
                      <td>
                        <Link to={`/datasets/${j.dataset_id}`}>{names.get(j.dataset_id) ?? j.dataset_id.slice(0, 8)}</Link>
                      </td>
                      <td>{formatDuration(j.started_at, j.finished_at)}</td>
                      <td>{head === null ? "—" : `${head.name} ${formatNumber(head.value, 4)}`}</td>
                      <td>{formatDate(j.created_at)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
