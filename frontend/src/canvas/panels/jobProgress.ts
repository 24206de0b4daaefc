// The state of a running job as its server-sent events tell it, folded by a pure reducer: the job's
// status and progress, each node's status, and a log. Events carry an increasing `seq`; one at or
// below the last seen is a duplicate or came out of order (a reconnect replays from `after`), and
// is ignored. A tuned model node's finished trials arrive as `trial` events and are kept in order.

import type { Trial } from "../../api/contracts";

export type NodeStatus = "queued" | "running" | "done" | "failed" | "skipped";
export type JobStatus = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED" | "UNSPECIFIED";

/** One SSE `data` payload of GET /jobs/{id}/events; the event name is its `type`. */
export interface JobEvent {
  seq: number;
  job_id: string;
  type: string;
  status: JobStatus | string;
  progress: number;
  message: string;
  time: string | null;
  node_id?: string | null;
  node_status?: NodeStatus | null;
  /** On `trial` events: the trial that finished. */
  trial?: Trial | null;
}

/** A trial that finished, from a `trial` event, with the model node it tunes. */
export interface TrialEvent {
  nodeId: string;
  trial: Trial;
}

export interface LogEntry {
  seq: number;
  time: string | null;
  type: string;
  nodeId: string | null;
  message: string;
}

export interface JobProgress {
  lastSeq: number;
  status: JobStatus;
  /** 0..1 */
  progress: number;
  message: string;
  nodes: Record<string, NodeStatus>;
  log: LogEntry[];
  finished: boolean;
  /** The failure's message, naming the node when a node failed. */
  error: string | null;
  /** The node that failed, when one did. */
  failedNode: string | null;
  /** The trials that finished, in arrival order. */
  trials: TrialEvent[];
}

export const initialJobProgress: JobProgress = {
  lastSeq: 0,
  status: "QUEUED",
  progress: 0,
  message: "",
  nodes: {},
  log: [],
  finished: false,
  error: null,
  failedNode: null,
  trials: [],
};

/** The SSE event names the job stream uses (an EventSource only hears names it listens for). */
export const JOB_EVENT_TYPES = [
  "queued",
  "started",
  "progress",
  "node",
  "status",
  "cancel_requested",
  "succeeded",
  "failed",
  "cancelled",
  "trial",
] as const;

const TERMINAL_STATUS: Record<string, JobStatus> = {
  succeeded: "SUCCEEDED",
  failed: "FAILED",
  cancelled: "CANCELLED",
};
const FINISHED: readonly string[] = ["SUCCEEDED", "FAILED", "CANCELLED"];
const JOB_STATUSES: readonly string[] = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"];
const NODE_STATUSES: readonly string[] = ["queued", "running", "done", "failed", "skipped"];

/** Whether this event ends the job (its stream closes after it). */
export function isTerminalEvent(event: JobEvent): boolean {
  return event.type in TERMINAL_STATUS || FINISHED.includes(event.status);
}

function logMessage(event: JobEvent): string {
  if (event.type === "node" && event.node_id) {
    const what = `${event.node_id}: ${event.node_status ?? "update"}`;
    return event.message ? `${what} (${event.message})` : what;
  }
  if (event.type === "trial" && event.trial) {
    const { number, state, value } = event.trial;
    return `${event.node_id ?? "model"}: trial ${number} ${state.toLowerCase()}${value === null ? "" : ` (${value})`}`;
  }
  return event.message || event.type;
}

export function jobProgressReducer(state: JobProgress, event: JobEvent): JobProgress {
  if (!Number.isFinite(event.seq) || event.seq <= state.lastSeq) return state;
  const next: JobProgress = { ...state, lastSeq: event.seq, log: [...state.log, {
    seq: event.seq,
    time: event.time,
    type: event.type,
    nodeId: event.node_id ?? null,
    message: logMessage(event),
  }] };
  // A late event (a progress tick flushed after the end) never reopens a finished job.
  if (state.finished) return next;

  const progress = Number.isFinite(event.progress) ? Math.min(Math.max(event.progress, 0), 1) : state.progress;
  if (event.type === "trial") {
    if (event.trial) next.trials = [...state.trials, { nodeId: event.node_id ?? "", trial: event.trial }];
    return next;
  }
  if (event.type === "node") {
    if (event.node_id && event.node_status && NODE_STATUSES.includes(event.node_status)) {
      next.nodes = { ...state.nodes, [event.node_id]: event.node_status };
      if (event.node_status === "failed") next.failedNode = event.node_id;
    }
    next.progress = Math.max(state.progress, progress);
    if (JOB_STATUSES.includes(event.status) && !FINISHED.includes(event.status)) next.status = event.status as JobStatus;
    if (next.status === "QUEUED" && event.node_status === "running") next.status = "RUNNING";
    return next;
  }

  const terminal = TERMINAL_STATUS[event.type] ?? (FINISHED.includes(event.status) ? (event.status as JobStatus) : undefined);
  next.status = terminal ?? (JOB_STATUSES.includes(event.status) ? (event.status as JobStatus) : state.status);
  next.progress = terminal === "SUCCEEDED" ? 1 : progress;
  if (event.message) next.message = event.message;
  if (terminal === undefined) return next;

  next.finished = true;
  const nodes: Record<string, NodeStatus> = { ...next.nodes };
  for (const [id, status] of Object.entries(nodes)) {
    if (terminal === "SUCCEEDED") {
      if (status !== "done") nodes[id] = status === "failed" ? "failed" : "done";
    } else if (status === "queued") {
      nodes[id] = "skipped";
    } else if (status === "running") {
      // The node that was running when the job failed is the one that failed.
      if (terminal === "FAILED" && next.failedNode === null) {
        nodes[id] = "failed";
        next.failedNode = id;
      } else nodes[id] = "skipped";
    }
  }
  next.nodes = nodes;
  if (terminal === "FAILED") {
    const message = event.message || "The job failed";
    next.error = next.failedNode !== null && !message.includes(next.failedNode) ? `Node ${next.failedNode}: ${message}` : message;
  }
  return next;
}

/** Parses one SSE data payload, or null when it is not a job event. */
export function parseJobEvent(data: string): JobEvent | null {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value !== "object" || value === null) return null;
    const e = value as Partial<JobEvent>;
    if (typeof e.seq !== "number" || typeof e.type !== "string") return null;
    return {
      seq: e.seq,
      job_id: typeof e.job_id === "string" ? e.job_id : "",
      type: e.type,
      status: typeof e.status === "string" ? e.status : "UNSPECIFIED",
      progress: typeof e.progress === "number" ? e.progress : Number.NaN,
      message: typeof e.message === "string" ? e.message : "",
      time: typeof e.time === "string" ? e.time : null,
      node_id: typeof e.node_id === "string" ? e.node_id : null,
      node_status: typeof e.node_status === "string" ? (e.node_status as NodeStatus) : null,
      trial: isTrial(e.trial) ? e.trial : null,
    };
  } catch {
    return null;
  }
}

function isTrial(value: unknown): value is Trial {
  if (typeof value !== "object" || value === null) return false;
  const t = value as Partial<Trial>;
  return typeof t.number === "number" && typeof t.state === "string" && typeof t.params === "object" && t.params !== null;
}
