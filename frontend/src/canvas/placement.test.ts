import { describe, expect, it } from "vitest";
import { editorReducer, initEditor } from "./editor";
import type { CanvasGraph } from "./graph";
import { clickAnchor, suggestedAnchor } from "./placement";

const isModel = (t: string) => t.endsWith("_classifier");
const n = (id: string, type: string) => ({ id, type, params: {}, position: { x: 0, y: 0 } });

const pipeline: CanvasGraph = {
  nodes: [n("drop", "DropMissingColumns"), n("split", "TrainTestSplitter"), n("impute", "SimpleImputer"), n("rf", "random_forest_classifier")],
  edges: [
    { source: "drop", target: "split" },
    { source: "split", target: "impute" },
    { source: "impute", target: "rf" },
  ],
};

function insert(graph: CanvasGraph, type: string, learns: boolean): CanvasGraph {
  const anchor = suggestedAnchor(graph, learns, isModel);
  return editorReducer(initEditor(graph), { type: "insert", node: n("new", type), ...anchor }).history.present;
}

function chainOf(graph: CanvasGraph): string[] {
  const start = graph.nodes.find((x) => !graph.edges.some((e) => e.target === x.id));
  const out: string[] = [];
  for (let id = start?.id; id !== undefined; id = graph.edges.find((e) => e.source === id)?.target) out.push(id);
  return out;
}

describe("the advisor's insert", () => {
  it("puts a node that learns right after the split", () => {
    expect(chainOf(insert(pipeline, "StandardScaler", true))).toEqual(["drop", "split", "new", "impute", "rf"]);
  });

  it("puts a stateless node right before the split", () => {
    expect(chainOf(insert(pipeline, "Deduplicate", false))).toEqual(["drop", "new", "split", "impute", "rf"]);
  });

  it("without a split, keeps the model last", () => {
    const g: CanvasGraph = { nodes: [n("impute", "SimpleImputer"), n("rf", "random_forest_classifier")], edges: [{ source: "impute", target: "rf" }] };
    expect(chainOf(insert(g, "StandardScaler", true))).toEqual(["impute", "new", "rf"]);
  });

  it("without split or model, appends to the end of the chain", () => {
    const g: CanvasGraph = { nodes: [n("a", "SimpleImputer"), n("b", "Deduplicate")], edges: [{ source: "a", target: "b" }] };
    expect(chainOf(insert(g, "StandardScaler", true))).toEqual(["a", "b", "new"]);
    expect(insert({ nodes: [], edges: [] }, "StandardScaler", true).nodes.map((x) => x.id)).toEqual(["new"]);
  });

  it("lays the graph out again so the spliced node does not overlap", () => {
    const g = insert(pipeline, "StandardScaler", true);
    const xs = chainOf(g).map((id) => g.nodes.find((x) => x.id === id)?.position.x ?? NaN);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
  });
});

describe("a click-added node", () => {
  it("follows the selected node", () => {
    expect(clickAnchor(pipeline, ["split"], false, isModel)).toEqual({ after: "split", before: null });
  });
  it("goes before a selected model, and before the model when nothing is selected", () => {
    expect(clickAnchor(pipeline, ["rf"], false, isModel)).toEqual({ after: null, before: "rf" });
    expect(clickAnchor(pipeline, [], false, isModel)).toEqual({ after: null, before: "rf" });
  });
  it("a model goes at the end", () => {
    const g: CanvasGraph = { nodes: [n("a", "SimpleImputer")], edges: [] };
    expect(clickAnchor(g, [], true, isModel)).toEqual({ after: "a", before: null });
  });
});
