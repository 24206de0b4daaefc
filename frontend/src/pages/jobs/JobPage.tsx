import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { Link, useParams } from "react-router";
import { metricsChart } from "../../charts/metrics";
import { Chart } from "../../components/Chart";
import { client, unwrap } from "../../api/client";
import { MetricsTable } from "../../components/MetricsTable";
import { ErrorState, Loading } from "../../components/States";
import { StatusBadge } from "../../components/StatusBadge";
import { formatDate, formatDuration } from "../../lib/format";
import { EvaluationView } from "./EvaluationView";
import { ACTIVE, useDatasetNames, useJob } from "./queries";
import { ResultsCompare } from "./ResultsCompare";
import { TuningView } from "./TuningView";

export default function JobPage() {
  const { jobId = "" } = useParams();
  const queryClient = useQueryClient();
  const job = useJob(jobId);
  const names = useDatasetNames();
  const chart = useMemo(() => metricsChart(job.data?.metrics), [job.data?.metrics]);
  const cancel = useMutation({
    mutationFn: () => unwrap(client.POST("/api/v1/jobs/{job_id}/cancel", { params: { path: { job_id: jobId } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["jobs"] }),
  });
  if (job.isPending) return <Loading what="job" />;
  if (job.isError) return <ErrorState title={`Could not open job ${jobId}`} error={job.error} />;
  const j = job.data;
  const results = j.results ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <h1>
          Job <code>{j.id.slice(0, 8)}</code>
        </h1>
        <StatusBadge status={j.status} />
        <div className="actions">
          <Link className="button-link" to={`/canvas?job=${encodeURIComponent(j.id)}`}>
            Open pipeline (read-only)
          </Link>
          {ACTIVE.has(j.status) && (
            <button type="button" className="danger" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
              Cancel job
            </button>
          )}
        </div>
      </div>
      {cancel.isError && <ErrorState title="Could not cancel the job" error={cancel.error} />}
      <dl className="facts">
        <div>
          <dt>Dataset</dt>
          <dd>
            <Link to={`/datasets/${j.dataset_id}`}>{names.get(j.dataset_id) ?? j.dataset_id.slice(0, 8)}</Link>
            {j.dataset_version != null && <span data-testid="job-dataset-version"> · version {j.dataset_version}</span>}
          </dd>
        </div>
        <div>
          <dt>Model</dt>
          <dd>
            {j.model_version !== null && j.model_version !== undefined ? (
              <Link to={`/models/${encodeURIComponent(j.model_name)}`}>
                {j.model_name} v{j.model_version}
              </Link>
            ) : (
              j.model_name
            )}
          </dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatDate(j.created_at)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(j.started_at, j.finished_at)}</dd>
        </div>
      </dl>
      <section className="panel" aria-labelledby="progress-title">
        <h2 id="progress-title" className="visually-hidden">
          Progress
        </h2>
        <div className="progress-line">
          <label htmlFor="job-progress">Progress</label>
          <progress id="job-progress" max={100} value={Math.round(j.progress * 100)} />
          <span>{Math.round(j.progress * 100)}%</span>
          <span className="muted" role="status" aria-live="polite">
            {j.message}
          </span>
        </div>
        {j.error !== null && j.error !== undefined && (
          <ErrorState title={`Job ${j.status.toLowerCase()} (${j.error.code})`} error={j.error.message} />
        )}
      </section>
      <section className="panel" aria-labelledby="metrics-title">
        <div className="panel-head">
          <h2 id="metrics-title">Metrics</h2>
        </div>
        {results.length > 1 ? (
          <ResultsCompare results={results} />
        ) : (
          <div className="grid-2">
            <MetricsTable metrics={j.metrics} caption="Metrics by split" />
            {chart !== null && <Chart title={chart.title} summary={chart.summary} option={chart.option} height={240} />}
          </div>
        )}
      </section>
      {j.kind === "tune" && <TuningView jobId={j.id} active={ACTIVE.has(j.status)} />}
      {j.status === "SUCCEEDED" && <EvaluationView source={{ jobId: j.id }} showMetrics={results.length > 1} />}
    </div>
  );
}
