// Trains the pipeline on the canvas: submits a job, follows its events live (progress bar, log,
// per-node statuses handed to the canvas), cancels it, and on the end shows the headline metrics
// and a link to the job, or the server's error naming the node that failed.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { Link } from "react-router";
import { client, unwrap, type Schemas } from "../../api/client";
import { ErrorState } from "../../components/States";
import type { NodeStatus } from "./jobProgress";
import type { ApiGraph } from "./types";
import { useJobEvents } from "./useJobEvents";
import "./panels.css";

export interface RunPanelProps {
  datasetId: string | null;
  graph: ApiGraph;
  pipelineId: string | null;
  pipelineVersion: number | null;
  modelName?: string;
  onNodeStatus(statuses: Record<string, NodeStatus>): void;
  onJob(job: Schemas["JobPublic"]): void;
}


function formatTime(time: string | null): string {
  if (time === null) return "";
  const d = new Date(time);
  return Number.isNaN(d.getTime()) ? time : d.toLocaleTimeString([], { hour12: false });
}

/** The job's error, naming the node that failed (from the events, else the error's details). */
function failureMessage(fromEvents: string | null, job: Schemas["JobPublic"] | undefined): string {
  const message = fromEvents ?? job?.error?.message ?? "The job failed";
  const node = job?.error?.details?.node;
  return typeof node === "string" && node !== "" && !message.includes(node) ? `Node ${node}: ${message}` : message;
}

/** The metrics worth a glance: test-split ones first, at most six. */
export function headlineMetrics(metrics: Record<string, number>): [string, number][] {
  const entries = Object.entries(metrics);
  const test = entries.filter(([name]) => name.startsWith("test"));
  return (test.length > 0 ? test : entries).slice(0, 6);
}

/** Whether any node of the graph searches its hyperparameters (a tuning job). */
export function tunes(graph: ApiGraph): boolean {
  return graph.nodes.some((n) => n.params.run_mode === "tuned");
}

export function RunPanel({ datasetId, graph, pipelineId, pipelineVersion, modelName, onNodeStatus, onJob }: RunPanelProps) {
  const [jobId, setJobId] = useState<string | null>(null);
  const titleId = useId();
  const { progress, streamError } = useJobEvents(jobId);
  const latest = useRef({ onNodeStatus, onJob });
  latest.current = { onNodeStatus, onJob };

  const submit = useMutation({
    mutationFn: () => {
      if (datasetId === null) throw new Error("Choose a dataset to train on");
      const body: Schemas["JobCreate"] = {
        dataset_id: datasetId,
        graph,
        model_name: modelName ?? null,
        pipeline_id: pipelineId,
        pipeline_version: pipelineVersion,
      };
      return unwrap(client.POST("/api/v1/jobs", { body }));
    },
    onSuccess: (job) => {
      setJobId(job.id);
      latest.current.onJob(job);
    },
  });

  const cancel = useMutation({
    mutationFn: (id: string) => unwrap(client.POST("/api/v1/jobs/{job_id}/cancel", { params: { path: { job_id: id } } })),
    onSuccess: (job) => latest.current.onJob(job),
  });

  // The finished job, for its metrics, model version and error.
  const finished = useQuery({
    queryKey: ["jobs", jobId, "finished"],
    queryFn: () => unwrap(client.GET("/api/v1/jobs/{job_id}", { params: { path: { job_id: jobId ?? "" } } })),
    enabled: jobId !== null && progress.finished,
    staleTime: Infinity,
  });

  useEffect(() => {
    latest.current.onNodeStatus(progress.nodes);
  }, [progress.nodes]);

  useEffect(() => {
    if (finished.data !== undefined) latest.current.onJob(finished.data);
  }, [finished.data]);

  const running = jobId !== null && !progress.finished && streamError === null;
  const job = finished.data;
  const percent = Math.round(progress.progress * 100);
  const failure = progress.status === "FAILED" ? failureMessage(progress.error, job) : null;

  return (
    <section className="panel run-panel" aria-labelledby={titleId}>
      <h2 id={titleId}>Run</h2>
      <div className="panel-actions">
        <button type="button" className="primary" onClick={() => submit.mutate()} disabled={datasetId === null || submit.isPending || running}>
          {submit.isPending ? "Submitting…" : tunes(graph) ? "Tune and train" : "Train"}
        </button>
        {running && jobId !== null && (
          <button type="button" onClick={() => cancel.mutate(jobId)} disabled={cancel.isPending}>
            {cancel.isPending ? "Cancelling…" : "Cancel"}
          </button>
        )}
      </div>
      {datasetId === null && <p className="field-help">Choose a dataset to train on.</p>}
      {submit.error !== null && <ErrorState error={submit.error} title="Could not start the job" />}
      {cancel.error !== null && <ErrorState error={cancel.error} title="Could not cancel" />}
      {streamError !== null && <ErrorState error={streamError} title="Job events" />}

      {jobId !== null && (
        <>
          <div className="run-status">
            <span className={`badge badge-${progress.status.toLowerCase()}`}>{progress.status.toLowerCase()}</span>
            <progress max={100} value={percent} aria-label="Training progress" aria-valuetext={`${percent}%`} />
            <span aria-hidden="true">{percent}%</span>
          </div>
          {progress.message !== "" && <p className="run-message">{progress.message}</p>}

          {failure !== null && <div className="state state-error" role="alert">{failure}</div>}
          {progress.status === "CANCELLED" && <p role="status">The job was cancelled.</p>}
          {progress.status === "SUCCEEDED" && (
            <div className="run-result" role="status">
              {finished.isLoading && <p>Loading the results…</p>}
              {finished.error !== null && <ErrorState error={finished.error} title="Results" />}
              {job !== undefined && (
                <>
                  <dl className="metrics">
                    {headlineMetrics(job.metrics).map(([name, value]) => (
                      <div key={name}>
                        <dt>{name}</dt>
                        <dd>{Number.isInteger(value) ? value : value.toFixed(4)}</dd>
                      </div>
                    ))}
                  </dl>
                  {job.model_version !== null && (
                    <p>
                      Registered {job.model_name} v{job.model_version}.
                    </p>
                  )}
                </>
              )}
            </div>
          )}
          {progress.finished && (
            <p>
              <Link to={`/jobs/${jobId}`}>Open job {jobId.slice(0, 8)}</Link>
            </p>
          )}

          <h3 id={`${titleId}-log`}>Log</h3>
          <div className="run-log" role="log" aria-labelledby={`${titleId}-log`} tabIndex={0}>
            <ol>
              {progress.log.map((entry) => (
                <li key={entry.seq} className={entry.type === "failed" || entry.message.includes(": failed") ? "log-bad" : undefined}>
                  <time dateTime={entry.time ?? undefined}>{formatTime(entry.time)}</time> {entry.message}
                </li>
              ))}
            </ol>
          </div>
        </>
      )}
    </section>
  );
}
