import { describe, expect, it } from "vitest";
import { type EditorState, copySelection, editorReducer, initEditor } from "./editor";
import type { CanvasGraph, CanvasNode } from "./graph";
import { toApiGraph } from "./graph";

const node = (id: string, type = "StandardScaler", x = 0): CanvasNode => ({ id, type, params: {}, position: { x, y: 0 } });

function run(state: EditorState, ...actions: Parameters<typeof editorReducer>[1][]): EditorState {
  return actions.reduce(editorReducer, state);
}

const chain: CanvasGraph = {
  nodes: [node("split", "TrainTestSplitter"), node("impute", "SimpleImputer", 250), node("rf", "random_forest_classifier", 500)],
  edges: [
    { source: "split", target: "impute" },
    { source: "impute", target: "rf" },
  ],
};

describe("editor edits and undo/redo", () => {
  it("adds, connects, and undoes each step in reverse order", () => {
    let s = initEditor();
    s = run(s, { type: "add", node: node("a") }, { type: "add", node: node("b", "MinMaxScaler", 250) }, { type: "connect", source: "a", target: "b" });
    expect(s.history.present.edges).toEqual([{ source: "a", target: "b" }]);
    s = run(s, { type: "undo" });
    expect(s.history.present.edges).toEqual([]);
    expect(s.history.present.nodes.map((n) => n.id)).toEqual(["a", "b"]);
    s = run(s, { type: "undo" }, { type: "undo" });
    expect(s.history.present.nodes).toEqual([]);
    s = run(s, { type: "redo" }, { type: "redo" }, { type: "redo" });
    expect(toApiGraph(s.history.present)).toEqual({
      nodes: [{ id: "a", type: "StandardScaler", params: {} }, { id: "b", type: "MinMaxScaler", params: {} }],
      edges: [{ source: "a", target: "b" }],
    });
  });

  it("deletes a node with its edges, and undo brings both back", () => {
    let s = run(initEditor(chain), { type: "select", ids: ["impute"] }, { type: "remove", nodes: ["impute"] });
    expect(s.history.present.nodes.map((n) => n.id)).toEqual(["split", "rf"]);
    expect(s.history.present.edges).toEqual([]);
    expect(s.selected).toEqual([]);
    s = run(s, { type: "undo" });
    expect(s.history.present).toEqual(chain);
    s = run(s, { type: "redo" });
    expect(s.history.present.nodes).toHaveLength(2);
  });

  it("refuses an edge that would close a cycle or duplicate one", () => {
    const s = run(initEditor(chain), { type: "connect", source: "rf", target: "split" }, { type: "connect", source: "split", target: "impute" });
    expect(s.history.present.edges).toHaveLength(2);
    expect(s.history.past).toHaveLength(0);
  });

  it("makes a whole drag one undo step", () => {
    let s = run(
      initEditor(chain),
      { type: "drag", positions: { rf: { x: 510, y: 5 } } },
      { type: "drag", positions: { rf: { x: 520, y: 10 } } },
      { type: "drag", positions: { rf: { x: 600, y: 80 } } },
      { type: "dragEnd" },
    );
    expect(s.history.present.nodes[2]?.position).toEqual({ x: 600, y: 80 });
    expect(s.history.past).toHaveLength(1);
    s = run(s, { type: "undo" });
    expect(s.history.present.nodes[2]?.position).toEqual({ x: 500, y: 0 });
  });

  it("merges quick edits of one node's parameters, but not of two nodes", () => {
    let s = run(
      initEditor(chain),
      { type: "params", id: "impute", params: { strategy: "m" } },
      { type: "params", id: "impute", params: { strategy: "me" } },
      { type: "params", id: "impute", params: { strategy: "median" } },
    );
    expect(s.history.past).toHaveLength(1);
    s = run(s, { type: "params", id: "split", params: { target_column: "churned" } });
    expect(s.history.past).toHaveLength(2);
    s = run(s, { type: "undo" });
    expect(s.history.present.nodes.find((n) => n.id === "split")?.params).toEqual({});
    expect(s.history.present.nodes.find((n) => n.id === "impute")?.params).toEqual({ strategy: "median" });
    s = run(s, { type: "undo" });
    expect(s.history.present.nodes.find((n) => n.id === "impute")?.params).toEqual({});
  });

  it("a new edit after an undo drops the redo branch", () => {
    let s = run(initEditor(chain), { type: "remove", nodes: ["rf"] }, { type: "undo" });
    expect(s.history.future).toHaveLength(1);
    s = run(s, { type: "add", node: node("x") });
    expect(s.history.future).toHaveLength(0);
    expect(run(s, { type: "redo" }).history.present).toBe(s.history.present);
  });

  it("inserts after a node by re-routing its outgoing edge", () => {
    const s = run(initEditor(chain), { type: "add", node: node("scale"), after: "impute" });
    expect(s.history.present.edges).toEqual([
      { source: "split", target: "impute" },
      { source: "scale", target: "rf" },
      { source: "impute", target: "scale" },
    ]);
    expect(s.selected).toEqual(["scale"]);
  });
});

describe("copy and paste", () => {
  it("pastes under new ids, keeps edges between copied nodes, and drops edges leaving the copy", () => {
    const s0 = initEditor(chain);
    const clip = copySelection(s0.history.present, ["impute", "rf"]);
    expect(clip.edges).toEqual([{ source: "impute", target: "rf" }]);
    const s = run(s0, { type: "paste", clipboard: clip });
    const ids = s.history.present.nodes.map((n) => n.id);
    expect(ids).toEqual(["split", "impute", "rf", "simple_imputer_1", "random_forest_classifier_1"]);
    expect(s.selected).toEqual(["simple_imputer_1", "random_forest_classifier_1"]);
    expect(s.history.present.edges).toContainEqual({ source: "simple_imputer_1", target: "random_forest_classifier_1" });
    expect(s.history.present.edges).toHaveLength(3);
    expect(s.history.present.nodes[3]?.position).toEqual({ x: 290, y: 40 });
    // Pasting twice gives fresh ids again; undo removes one paste at a time.
    const twice = run(s, { type: "paste", clipboard: clip });
    expect(twice.history.present.nodes.map((n) => n.id)).toContain("simple_imputer_2");
    expect(run(twice, { type: "undo" }).history.present).toBe(s.history.present);
  });

  it("copies parameters deeply: editing the pasted node leaves the original alone", () => {
    const g: CanvasGraph = { nodes: [{ ...node("imp", "SimpleImputer"), params: { columns: ["age"] } }], edges: [] };
    const clip = copySelection(g, ["imp"]);
    (clip.nodes[0]?.params.columns as string[]).push("income");
    expect(g.nodes[0]?.params.columns).toEqual(["age"]);
  });
});
