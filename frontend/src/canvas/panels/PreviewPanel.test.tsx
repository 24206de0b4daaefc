// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { client } from "../../api/client";
import { AdvisorPanel } from "./AdvisorPanel";
import { PreviewPanel, upstreamGraph } from "./PreviewPanel";
import { apiResult, renderWithProviders } from "./testing";
import type { ApiGraph } from "./types";

// Role queries in jsdom are slow on a busy machine: the default 5 s is tight for a first render.
vi.setConfig({ testTimeout: 20_000 });

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const graph: ApiGraph = {
  nodes: [
    { id: "split", type: "TrainTestSplitter", params: { target_column: "churned" } },
    { id: "impute", type: "SimpleImputer", params: {} },
    { id: "scale", type: "StandardScaler", params: {} },
    { id: "other", type: "MissingIndicator", params: {} },
  ],
  edges: [
    { source: "split", target: "impute" },
    { source: "impute", target: "scale" },
    { source: "split", target: "other" },
  ],
};

describe("upstreamGraph", () => {
  it("keeps the node and what feeds it, nothing downstream or beside", () => {
    expect(upstreamGraph(graph, "impute")).toEqual({
      nodes: [graph.nodes[0], graph.nodes[1]],
      edges: [{ source: "split", target: "impute" }],
    });
  });
});

describe("PreviewPanel", () => {
  it("shows the node's rows, counts per split and warnings", async () => {
    const post = vi.spyOn(client, "POST").mockImplementation(((path: string) =>
      path === "/api/v1/pipelines/validate" ? apiResult({ valid: true, errors: [] }) : apiResult({
        nodes: [
          { node_id: "split", node_type: "TrainTestSplitter", n_rows: 300, columns: [], rows: [] },
          {
            node_id: "impute",
            node_type: "SimpleImputer",
            n_rows: 300,
            columns: [
              { name: "age", dtype: "Float64" },
              { name: "city", dtype: "String" },
            ],
            rows: [
              { age: 41, city: "Oslo" },
              { age: 35.5, city: null },
            ],
            splits: [
              { name: "train", n_rows: 240, n_columns: 2 },
              { name: "test", n_rows: 60, n_columns: 2 },
            ],
            warnings: ["city: 12 missing values left (the imputer fills numeric columns)"],
          },
        ],
      })) as never);
    renderWithProviders(<PreviewPanel datasetId="ds-1" graph={graph} nodeId="impute" />);
    const table = await screen.findByRole("table");
    expect(post.mock.calls.map((c) => c[0])).toEqual(["/api/v1/pipelines/validate", "/api/v1/pipelines/preview"]);
    const check = (post.mock.calls[0]?.[1] as unknown as { body: { partial: boolean } }).body;
    expect(check.partial).toBe(true);
    const body = (post.mock.calls[1]?.[1] as unknown as { body: { graph: ApiGraph; dataset_id: string; rows: number } }).body;
    expect(body.dataset_id).toBe("ds-1");
    expect(body.graph.nodes.map((n) => n.id)).toEqual(["split", "impute"]);
    expect(within(table).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["ageFloat64", "cityString"]);
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    expect(within(table).getByText("null").className).toBe("preview-null");
    expect(screen.getByText("train").nextSibling?.textContent).toBe("240 rows × 2 columns");
    expect(screen.getByText("test").nextSibling?.textContent).toBe("60 rows × 2 columns");
    expect(screen.getByRole("list", { name: "Preview warnings" }).textContent).toContain("12 missing values left");
    // The table scrolls inside its own region.
    expect(screen.getByRole("region", { name: "Rows out of impute" }).className).toBe("preview-table-wrap");
  });

  it("lists the drawn part's problems instead of asking for a preview it would refuse", async () => {
    const post = vi.spyOn(client, "POST").mockImplementation((() =>
      apiResult({ valid: false, errors: [{ node_id: "impute", field: "columns", column: null, message: "choose at least one column" }] })) as never);
    renderWithProviders(<PreviewPanel datasetId="ds-1" graph={graph} nodeId="impute" />);
    const list = await screen.findByRole("list", { name: "Preview blocked by" });
    expect(list.textContent).toBe("impute: choose at least one column");
    expect(post.mock.calls.map((c) => c[0])).toEqual(["/api/v1/pipelines/validate"]);
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("shows the server's message when the preview fails", async () => {
    vi.spyOn(client, "POST").mockImplementation((() =>
      apiResult({ error: { code: "INVALID_ARGUMENT", message: "node 'split': column 'churned' is not in the dataset", details: {} } }, 400)) as never);
    renderWithProviders(<PreviewPanel datasetId="ds-1" graph={graph} nodeId="scale" />);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("column 'churned' is not in the dataset");
  });
});

describe("AdvisorPanel", () => {
  it("lists recommendations and inserts the suggested node with whether it learns", async () => {
    vi.spyOn(client, "GET").mockImplementation(((path: string) =>
      path === "/api/v1/nodes"
        ? apiResult({
            nodes: [
              { id: "SimpleImputer", group: "missing", description: "", learns: true, train_only: false, params_schema: {} },
              { id: "DropMissingColumns", group: "cleaning", description: "", learns: false, train_only: false, params_schema: {} },
            ],
          })
        : apiResult({
            dataset_id: "ds-1",
            recommendations: [
              { id: "r1", rule: "missing", severity: "warning", title: "Impute income", message: "income has 8% missing values", columns: ["income"], node: { type: "SimpleImputer", params: { columns: ["income"], strategy: "median" } } },
              { id: "r2", rule: "id", severity: "info", title: "Identifier column", message: "customer_id looks like an id", columns: ["customer_id"], node: null },
            ],
          })) as never);
    const onInsert = vi.fn();
    renderWithProviders(<AdvisorPanel datasetId="ds-1" target="churned" columns={["churned"]} onInsert={onInsert} onSuggest={vi.fn()} />);
    await screen.findByText("income has 8% missing values");
    expect(screen.getByText("Columns: customer_id")).toBeTruthy();
    const add = screen.getByRole("button", { name: /Add SimpleImputer to canvas/ });
    await waitFor(() => expect((add as HTMLButtonElement).disabled).toBe(false));
    add.click();
    expect(onInsert).toHaveBeenCalledWith({ type: "SimpleImputer", params: { columns: ["income"], strategy: "median" } }, true);
    // One "Add" (r2 has no node) and "Suggest a pipeline".
    expect(screen.getAllByRole("button", { name: /Add / })).toHaveLength(1);
    expect(client.GET).toHaveBeenCalledWith("/api/v1/datasets/{dataset_id}/recommendations", {
      params: { path: { dataset_id: "ds-1" }, query: { target: "churned" } },
    });
  });
});
