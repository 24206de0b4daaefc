// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { client, type Schemas } from "../../api/client";
import { RunPanel, tunes } from "./RunPanel";
import { apiResult, FakeEventSource, renderWithProviders } from "./testing";
import type { ApiGraph } from "./types";

// Role queries in jsdom are slow on a busy machine: the default 5 s is tight for a first render.
vi.setConfig({ testTimeout: 20_000 });

const graph: ApiGraph = {
  nodes: [
    { id: "split", type: "TrainTestSplitter", params: { target_column: "churned" } },
    { id: "model", type: "random_forest_classifier", params: {} },
  ],
  edges: [{ source: "split", target: "model" }],
};

function job(overrides: Partial<Schemas["JobPublic"]> = {}): Schemas["JobPublic"] {
  return {
    id: "job-1",
    dataset_id: "ds-1",
    kind: "train",
    status: "QUEUED",
    progress: 0,
    message: "",
    metrics: {},
    model_name: "churn",
    model_version: null,
    error: null,
    created_at: null,
    started_at: null,
    finished_at: null,
    pipeline_id: null,
    pipeline_version: null,
    results: [],
    attempts: 0,
    retry_of: null,
    ...overrides,
  };
}

let seq = 0;
function event(type: string, extra: Record<string, unknown> = {}) {
  seq += 1;
  return { seq, job_id: "job-1", type, status: "RUNNING", progress: 0, message: "", time: "2026-01-01T12:00:00Z", node_id: null, node_status: null, ...extra };
}

beforeEach(() => {
  seq = 0;
  FakeEventSource.instances = [];
  vi.stubGlobal("EventSource", FakeEventSource);
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

function setup() {
  const post = vi.spyOn(client, "POST").mockImplementation(((path: string) =>
    path === "/api/v1/jobs" ? apiResult(job()) : apiResult(job({ status: "CANCELLED" }))) as never);
  const get = vi.spyOn(client, "GET").mockImplementation((() =>
    apiResult(job({ status: "SUCCEEDED", metrics: { test_accuracy: 0.9123, train_accuracy: 0.99 }, model_version: 3 }))) as never);
  const onNodeStatus = vi.fn();
  const onJob = vi.fn();
  renderWithProviders(
    <RunPanel datasetId="ds-1" graph={graph} pipelineId="pipe-1" pipelineVersion={4} modelName="churn" onNodeStatus={onNodeStatus} onJob={onJob} />,
  );
  return { post, get, onNodeStatus, onJob };
}

async function train(post: ReturnType<typeof vi.spyOn>) {
  fireEvent.click(screen.getByRole("button", { name: "Train" }));
  await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
  expect(post).toHaveBeenCalledWith("/api/v1/jobs", {
    body: { dataset_id: "ds-1", graph, model_name: "churn", pipeline_id: "pipe-1", pipeline_version: 4 },
  });
  return FakeEventSource.latest();
}

describe("tunes", () => {
  it("is true once a node searches its hyperparameters", () => {
    expect(tunes(graph)).toBe(false);
    const tuned = { ...graph, nodes: graph.nodes.map((n) => (n.id === "model" ? { ...n, params: { run_mode: "tuned" } } : n)) };
    expect(tunes(tuned)).toBe(true);
  });
});

describe("RunPanel", () => {
  it("submits the job, shows live node statuses and progress, resumes a dropped stream after the last seq, and ends with metrics", async () => {
    const { post, get, onNodeStatus, onJob } = setup();
    const stream = await train(post);
    expect(stream.url).toBe("/api/v1/jobs/job-1/events");
    expect(onJob).toHaveBeenCalledWith(expect.objectContaining({ id: "job-1" }));

    act(() => {
      stream.emit("started", event("started", { message: "training started" }));
      stream.emit("node", event("node", { node_id: "split", node_status: "queued" }));
      stream.emit("node", event("node", { node_id: "model", node_status: "queued" }));
      stream.emit("node", event("node", { node_id: "split", node_status: "done", progress: 0.5 }));
    });
    expect(onNodeStatus).toHaveBeenLastCalledWith({ split: "done", model: "queued" });
    expect((screen.getByRole("progressbar", { name: "Training progress" }) as HTMLProgressElement).value).toBe(50);
    expect(screen.getByRole("log").textContent).toContain("split: done");
    expect(screen.getByRole("button", { name: "Cancel" })).toBeTruthy();

    act(() => stream.drop());
    expect(stream.closed).toBe(true);
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(2), { timeout: 2000 });
    const resumed = FakeEventSource.latest();
    expect(resumed.url).toBe("/api/v1/jobs/job-1/events?after=4");

    act(() => {
      resumed.emit("node", event("node", { node_id: "model", node_status: "running", progress: 0.6 }));
      resumed.emit("node", event("node", { node_id: "model", node_status: "done", progress: 0.9 }));
      resumed.emit("succeeded", event("succeeded", { status: "SUCCEEDED", progress: 1, message: "done" }));
    });
    expect(resumed.closed).toBe(true);
    expect(onNodeStatus).toHaveBeenLastCalledWith({ split: "done", model: "done" });
    await screen.findByText("0.9123");
    expect(get).toHaveBeenCalledWith("/api/v1/jobs/{job_id}", { params: { path: { job_id: "job-1" } } });
    expect(screen.getByText("test_accuracy")).toBeTruthy();
    expect(screen.queryByText("train_accuracy")).toBeNull();
    expect(screen.getByRole("link", { name: /Open job/ }).getAttribute("href")).toBe("/jobs/job-1");
    expect(onJob).toHaveBeenLastCalledWith(expect.objectContaining({ status: "SUCCEEDED" }));
    expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull();
    expect(FakeEventSource.instances).toHaveLength(2);
  });

  it("shows the failure naming the node, and marks that node failed", async () => {
    const { post, onNodeStatus } = setup();
    const stream = await train(post);
    act(() => {
      stream.emit("node", event("node", { node_id: "split", node_status: "done" }));
      stream.emit("node", event("node", { node_id: "model", node_status: "running" }));
      stream.emit("failed", event("failed", { status: "FAILED", message: "column 'churned' has one class in the train split" }));
    });
    expect(stream.closed).toBe(true);
    expect(screen.getByRole("alert").textContent).toBe("Node model: column 'churned' has one class in the train split");
    expect(onNodeStatus).toHaveBeenLastCalledWith({ split: "done", model: "failed" });
  });

  it("stops following on the stream's own error event and shows its message", async () => {
    const { post } = setup();
    const stream = await train(post);
    act(() => stream.emit("error", { error: { code: "UNAVAILABLE", message: "the pipeline service is unavailable", details: {} } }));
    expect(stream.closed).toBe(true);
    expect(screen.getByRole("alert").textContent).toContain("the pipeline service is unavailable");
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it("cancels the running job", async () => {
    const { post } = setup();
    await train(post);
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(post).toHaveBeenCalledWith("/api/v1/jobs/{job_id}/cancel", { params: { path: { job_id: "job-1" } } }));
  });

  it("shows the server's message when the job is refused", async () => {
    vi.spyOn(client, "POST").mockImplementation((() =>
      apiResult({ error: { code: "INVALID_ARGUMENT", message: "node 'scale' learns and sits before the split", details: {} } }, 400)) as never);
    renderWithProviders(<RunPanel datasetId="ds-1" graph={graph} pipelineId={null} pipelineVersion={null} onNodeStatus={() => {}} onJob={() => {}} />);
    fireEvent.click(screen.getByRole("button", { name: "Train" }));
    expect((await screen.findByRole("alert")).textContent).toContain("node 'scale' learns and sits before the split");
    expect(FakeEventSource.instances).toHaveLength(0);
  });

  it("needs a dataset to train", () => {
    renderWithProviders(<RunPanel datasetId={null} graph={graph} pipelineId={null} pipelineVersion={null} onNodeStatus={() => {}} onJob={() => {}} />);
    expect((screen.getByRole("button", { name: "Train" }) as HTMLButtonElement).disabled).toBe(true);
  });
});
