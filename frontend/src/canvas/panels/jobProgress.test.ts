import { describe, expect, it } from "vitest";
import { initialJobProgress, isTerminalEvent, jobProgressReducer, parseJobEvent, type JobEvent, type JobProgress } from "./jobProgress";

let clock = 0;
function ev(seq: number, type: string, extra: Partial<JobEvent> = {}): JobEvent {
  clock += 1;
  return {
    seq,
    job_id: "job-1",
    type,
    status: "RUNNING",
    progress: 0,
    message: "",
    time: new Date(Date.UTC(2026, 0, 1, 12, 0, clock)).toISOString(),
    node_id: null,
    node_status: null,
    ...extra,
  };
}
const node = (seq: number, id: string, status: JobEvent["node_status"], progress = 0) =>
  ev(seq, "node", { node_id: id, node_status: status, progress });

function fold(events: JobEvent[], from: JobProgress = initialJobProgress): JobProgress {
  return events.reduce(jobProgressReducer, from);
}

// A job as the worker reports it: queued nodes, then each node running and done, with progress.
const start = [
  ev(1, "queued", { status: "QUEUED", message: "queued" }),
  ev(2, "started", { message: "training started" }),
  node(3, "split", "queued"),
  node(4, "impute", "queued"),
  node(5, "model", "queued"),
  node(6, "split", "running"),
  node(7, "split", "done", 0.2),
  node(8, "impute", "running", 0.2),
  ev(9, "progress", { progress: 0.4, message: "impute fitted" }),
  node(10, "impute", "done", 0.4),
  node(11, "model", "running", 0.5),
];

describe("jobProgressReducer", () => {
  it("follows a run: per-node statuses, progress, message and a log line per event", () => {
    const s = fold(start);
    expect(s.status).toBe("RUNNING");
    expect(s.nodes).toEqual({ split: "done", impute: "done", model: "running" });
    expect(s.progress).toBeCloseTo(0.5);
    expect(s.message).toBe("impute fitted");
    expect(s.lastSeq).toBe(11);
    expect(s.log).toHaveLength(11);
    expect(s.log[5]).toMatchObject({ seq: 6, nodeId: "split", message: "split: running" });
    expect(s.log[1]?.message).toBe("training started");
    expect(s.finished).toBe(false);

    const done = fold([node(12, "model", "done", 0.9), ev(13, "succeeded", { status: "SUCCEEDED", progress: 1, message: "accuracy 0.91" })], s);
    expect(done).toMatchObject({ status: "SUCCEEDED", progress: 1, finished: true, error: null, message: "accuracy 0.91" });
    expect(done.nodes).toEqual({ split: "done", impute: "done", model: "done" });
    expect(isTerminalEvent(ev(13, "succeeded", { status: "SUCCEEDED" }))).toBe(true);
    expect(isTerminalEvent(ev(12, "progress"))).toBe(false);
  });

  it("ignores duplicate and out-of-order events (a reconnect replaying from an older seq)", () => {
    const s = fold(start);
    const replayed = fold([node(6, "split", "running"), ev(9, "progress", { progress: 0.4 }), node(11, "model", "running")], s);
    expect(replayed).toBe(s);
    const late = fold([node(13, "model", "done"), node(12, "model", "running")], s);
    expect(late.nodes.model).toBe("done");
    expect(late.log.map((l) => l.seq)).toEqual([...s.log.map((l) => l.seq), 13]);
  });

  it("on failure names the failed node in the error and skips the nodes that never ran", () => {
    const s = fold([
      ...start,
      node(12, "model", "failed"),
      ev(13, "failed", { status: "FAILED", message: "column 'income' is not numeric" }),
    ]);
    expect(s).toMatchObject({ status: "FAILED", finished: true, failedNode: "model" });
    expect(s.error).toBe("Node model: column 'income' is not numeric");
    expect(s.nodes).toEqual({ split: "done", impute: "done", model: "failed" });

    // Without a node event, the node running at the failure is the one that failed; queued ones are skipped.
    const t = fold([...start.slice(0, 8), ev(9, "failed", { status: "FAILED", message: "impute: no numeric columns" })]);
    expect(t.nodes).toEqual({ split: "done", impute: "failed", model: "skipped" });
    expect(t.error).toBe("impute: no numeric columns");
  });

  it("on cancel stops with the running and queued nodes skipped, and stays finished", () => {
    const s = fold([...start, ev(12, "cancel_requested", { message: "cancel requested" }), ev(13, "cancelled", { status: "CANCELLED" })]);
    expect(s).toMatchObject({ status: "CANCELLED", finished: true, error: null });
    expect(s.nodes.model).toBe("skipped");
    const after = jobProgressReducer(s, ev(14, "progress", { progress: 0.9 }));
    expect(after.status).toBe("CANCELLED");
    expect(after.progress).toBe(s.progress);
  });

  it("parses SSE payloads and rejects what is not a job event", () => {
    expect(parseJobEvent(JSON.stringify({ seq: 3, type: "node", node_id: "a", node_status: "running", status: "RUNNING", progress: 0.1, message: "", time: null, job_id: "j" }))).toMatchObject({ seq: 3, node_id: "a", node_status: "running" });
    expect(parseJobEvent("not json")).toBeNull();
    expect(parseJobEvent(JSON.stringify({ error: { message: "x" } }))).toBeNull();
  });
});
