// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { client } from "../../api/client";
import { editorReducer, initEditor } from "../editor";
import { fromApiGraph } from "../graph";
import { AdvisorPanel, type SuggestedPipeline } from "./AdvisorPanel";
import { apiResult, renderWithProviders } from "./testing";

vi.setConfig({ testTimeout: 20_000 });

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const suggested: SuggestedPipeline = {
  dataset_id: "ds-1",
  task: "classification",
  model: "logistic_regression",
  metric: "roc_auc",
  graph: {
    nodes: [
      { id: "drop_id_columns", type: "DropMissingColumns", params: { columns: ["customer_id"], threshold: 0 } },
      { id: "split", type: "TrainTestSplitter", params: { target_column: "churned", stratify: true } },
      { id: "impute_numeric_mean", type: "SimpleImputer", params: { strategy: "mean", columns: ["age"] } },
      { id: "model", type: "logistic_regression", params: {} },
    ],
    edges: [
      { source: "drop_id_columns", target: "split" },
      { source: "split", target: "impute_numeric_mean" },
      { source: "impute_numeric_mean", target: "model" },
    ],
  },
  recommendations: [],
};

function mockApi() {
  vi.spyOn(client, "GET").mockImplementation(((path: string) =>
    path === "/api/v1/nodes"
      ? apiResult({ nodes: [] })
      : apiResult({
          dataset_id: "ds-1",
          recommendations: [
            { id: "scale_numeric", rule: "scale_numeric", severity: "warning", title: "Standardise", message: "spreads far apart", columns: ["age"], node: { type: "StandardScaler", params: {} }, alternatives: [{ type: "RobustScaler", params: {} }], statistic: 1970.28, stage: "after_split" },
          ],
        })) as never);
  return vi.spyOn(client, "POST").mockImplementation((() => apiResult(suggested)) as never);
}

describe("Suggest a pipeline", () => {
  it("shows each recommendation's statistic and alternatives", async () => {
    mockApi();
    renderWithProviders(<AdvisorPanel datasetId="ds-1" target={null} columns={["age", "churned"]} onInsert={vi.fn()} onSuggest={vi.fn()} />);
    await screen.findByText("spreads far apart");
    expect(screen.getByText("Measured: 1.97e+3")).toBeTruthy();
    expect(screen.getByText("Alternatives: RobustScaler")).toBeTruthy();
  });

  it("asks for the chosen target and hands the graph to the canvas", async () => {
    const post = mockApi();
    const onSuggest = vi.fn();
    renderWithProviders(<AdvisorPanel datasetId="ds-1" target={null} columns={["age", "churned"]} onInsert={vi.fn()} onSuggest={onSuggest} />);
    const button = screen.getByRole("button", { name: "Suggest a pipeline" }) as HTMLButtonElement;
    expect(button.disabled).toBe(true); // no target yet
    fireEvent.change(screen.getByLabelText("Target to predict"), { target: { value: "churned" } });
    fireEvent.click(button);
    await waitFor(() => expect(onSuggest).toHaveBeenCalled());
    expect(onSuggest.mock.calls[0]?.[0]).toEqual(suggested);
    expect(post).toHaveBeenCalledWith("/api/v1/datasets/{dataset_id}/suggested-pipeline", {
      params: { path: { dataset_id: "ds-1" } },
      body: { target: "churned" },
    });
    expect((await screen.findByRole("status")).textContent).toContain("Placed 4 nodes: logistic_regression, judged by roc_auc");
  });

  it("defaults to the canvas's target and shows the error naming the column", async () => {
    mockApi();
    vi.spyOn(client, "POST").mockImplementation((() =>
      apiResult({ error: { code: "NOT_FOUND", message: "target column 'gone' is not in the dataset", details: {} } }, 404)) as never);
    renderWithProviders(<AdvisorPanel datasetId="ds-1" target="gone" columns={["age"]} onInsert={vi.fn()} onSuggest={vi.fn()} />);
    fireEvent.click(screen.getByRole("button", { name: "Suggest a pipeline" }));
    expect((await screen.findByRole("alert")).textContent).toContain("target column 'gone' is not in the dataset");
  });
});

describe("replace (the canvas placing a suggestion)", () => {
  it("lays the graph out left to right and one undo restores the canvas", () => {
    const before = initEditor();
    const graph = fromApiGraph(suggested.graph, null, () => ({ x: 0, y: 0 }));
    const after = editorReducer(before, { type: "replace", graph });
    const nodes = after.history.present.nodes;
    expect(nodes.map((n) => n.id)).toEqual(suggested.graph.nodes.map((n) => n.id));
    expect(new Set(nodes.map((n) => `${n.position.x},${n.position.y}`)).size).toBe(nodes.length);
    const undone = editorReducer(after, { type: "undo" });
    expect(undone.history.present.nodes).toEqual([]);
  });
});

describe("a model recommendation", () => {
  it("has no Add button: the model ends the pipeline the suggestion places", async () => {
    vi.spyOn(client, "GET").mockImplementation(((path: string) =>
      path === "/api/v1/nodes"
        ? apiResult({ nodes: [] })
        : apiResult({
            dataset_id: "ds-1",
            recommendations: [
              { id: "model", rule: "model", severity: "info", title: "Train logistic_regression, judged by roc_auc", message: "A classification task on 300 rows", columns: ["churned"], node: { type: "logistic_regression", params: {} }, alternatives: [], statistic: 300, stage: "model" },
            ],
          })) as never);
    renderWithProviders(<AdvisorPanel datasetId="ds-1" target="churned" columns={["churned"]} onInsert={vi.fn()} onSuggest={vi.fn()} />);
    await screen.findByText("A classification task on 300 rows");
    expect(screen.queryByRole("button", { name: /Add logistic_regression/ })).toBeNull();
  });
});
