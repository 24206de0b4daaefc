// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { client } from "../../api/client";
import type { Study, Trial } from "../../api/contracts";
import { apiResult, FakeEventSource, renderWithProviders } from "../../canvas/panels/testing";
import { paramImportanceChart, trialsChart } from "../../charts/tuning";
import { bestSoFar, mergeTrials, sortTrials } from "./trials";
import { TuningView } from "./TuningView";

vi.setConfig({ testTimeout: 20_000 });

// ECharts needs a layout engine: the chart is checked by its option builder, the view by its title.
vi.mock("../../components/Chart", () => ({
  Chart: ({ title, testId }: { title: string; testId?: string }) => <figure data-testid={testId}>{title}</figure>,
}));

function trial(number: number, value: number | null, extra: Partial<Trial> = {}): Trial {
  return {
    number,
    state: value === null ? "FAIL" : "COMPLETE",
    params: { n_estimators: 50 + number * 10, max_features: "sqrt" },
    value,
    intermediate: [],
    duration_s: 1 + number / 10,
    started_at: null,
    finished_at: null,
    worker: `host:${100 + (number % 2)}`,
    error: value === null ? "fit failed" : null,
    ...extra,
  };
}

const STUDY: Study = {
  node_id: "model",
  strategy: "optuna",
  metric: "f1",
  direction: "maximize",
  n_trials: 6,
  timeout: null,
  state: "RUNNING",
  best_trial: 1,
  best_value: 0.9,
  best_params: { n_estimators: 60, max_features: "sqrt" },
  param_importances: { n_estimators: 0.7, max_features: 0.3 },
  trials: [trial(0, 0.8), trial(1, 0.9), trial(2, null), trial(3, 0.85)],
};

beforeEach(() => {
  FakeEventSource.instances = [];
  vi.stubGlobal("EventSource", FakeEventSource);
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe("tuning data", () => {
  it("keeps the best score so far in the study's direction, skipping failed trials", () => {
    expect(bestSoFar(STUDY)).toEqual([
      { number: 0, value: 0.8, best: 0.8 },
      { number: 1, value: 0.9, best: 0.9 },
      { number: 3, value: 0.85, best: 0.9 },
    ]);
    expect(bestSoFar({ ...STUDY, direction: "minimize" }).map((p) => p.best)).toEqual([0.8, 0.8, 0.8]);
  });

  it("charts the scores with a best-so-far line and the importances largest first", () => {
    const o = trialsChart(STUDY)?.option as Record<string, { data: unknown }[]>;
    expect(o.series?.[0]?.data).toEqual([[0, 0.8], [1, 0.9], [3, 0.85]]);
    expect(o.series?.[1]?.data).toEqual([[0, 0.8], [1, 0.9], [3, 0.9]]);
    const imp = paramImportanceChart(STUDY);
    expect(imp?.summary).toContain("n_estimators 0.7, max_features 0.3");
    expect(trialsChart({ ...STUDY, trials: [] })).toBeNull();
    expect(paramImportanceChart({ ...STUDY, param_importances: {} })).toBeNull();
  });

  it("sorts trials with missing values last and merges event trials into the polled study", () => {
    expect(sortTrials(STUDY.trials ?? [], "value", false).map((t) => t.number)).toEqual([1, 3, 0, 2]);
    expect(sortTrials(STUDY.trials ?? [], "value", true).map((t) => t.number)).toEqual([0, 3, 1, 2]);
    const merged = mergeTrials([STUDY], [{ nodeId: "model", trial: trial(4, 0.95) }, { nodeId: "other", trial: trial(9, 0.1) }]);
    expect(merged[0]?.trials?.map((t) => t.number)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe("TuningView", () => {
  it("shows the charts, the best params and a sortable trials table", async () => {
    vi.spyOn(client, "GET").mockImplementation((() => apiResult({ job_id: "job-1", studies: [{ ...STUDY, state: "COMPLETE" }] })) as never);
    renderWithProviders(<TuningView jobId="job-1" active={false} />);
    await screen.findByText("f1 over trials");
    expect(screen.getByText("Parameter importances")).toBeTruthy();
    const best = screen.getByRole("group", { name: "Best params of model" });
    expect(within(best).getByText("n_estimators").nextSibling?.textContent).toBe("60");
    expect(screen.getByTestId("best-value").textContent).toBe("0.9 (trial 1)");
    const table = screen.getByRole("table");
    const firstColumn = () => within(table).getAllByRole("row").slice(1).map((r) => (r as HTMLTableRowElement).cells[0]?.textContent?.replace(/\D/g, ""));
    expect(firstColumn()).toEqual(["0", "1", "2", "3"]);
    fireEvent.click(within(table).getByRole("button", { name: /Score/ }));
    expect(firstColumn()).toEqual(["1", "3", "0", "2"]);
    expect(within(table).getByRole("columnheader", { name: /Score/ }).getAttribute("aria-sort")).toBe("descending");
    expect(within(table).getByText(": fit failed")).toBeTruthy();
    expect(FakeEventSource.instances).toHaveLength(0);
  });

  it("adds trials from the job's trial events while it runs", async () => {
    vi.spyOn(client, "GET").mockImplementation((() => apiResult({ job_id: "job-1", studies: [{ ...STUDY, trials: [trial(0, 0.8)] }] })) as never);
    renderWithProviders(<TuningView jobId="job-1" active />);
    await screen.findByText("1 of 6");
    const stream = FakeEventSource.latest();
    expect(stream.url).toBe("/api/v1/jobs/job-1/events");
    act(() => stream.emit("trial", { seq: 1, job_id: "job-1", type: "trial", status: "RUNNING", progress: 0.3, node_id: "model", trial: trial(1, 0.9) }));
    await screen.findByText("2 of 6");
  });

  it("says so when a job tuned nothing, and shows the server's error", async () => {
    const get = vi.spyOn(client, "GET").mockImplementation((() => apiResult({ job_id: "job-1", studies: [] })) as never);
    renderWithProviders(<TuningView jobId="job-1" active={false} />);
    await screen.findByText("This job tuned no model.");
    cleanup();
    get.mockImplementation((() => apiResult({ error: { code: "NOT_FOUND", message: "job 'job-1' not found" } }, 404)) as never);
    renderWithProviders(<TuningView jobId="job-1" active={false} />);
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("job 'job-1' not found"));
  });
});
