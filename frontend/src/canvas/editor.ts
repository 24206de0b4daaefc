// The canvas editor's state machine: the graph with its undo history, and the selection. Every
// edit a person makes is one action; every action that changes the graph is one undo step
// (typing in one field and dragging a node each make a single step).

import * as G from "./graph";
import type { CanvasGraph, CanvasNode, XY } from "./graph";
import { type History, commit, createHistory, redo, replace, undo } from "./history";
import { autoLayout } from "./layout";

export type EditorState = {
  history: History<CanvasGraph>;
  selected: string[];
  /** The graph as it was when a drag began: what undoing the drag returns to. */
  dragBase: CanvasGraph | null;
  /** Counts whole-graph loads (open, restore, template): the view fits each new graph. */
  loads: number;
};

/** What Ctrl+C holds: nodes and the edges between them. */
export type Clipboard = { nodes: CanvasNode[]; edges: G.CanvasEdge[] };

export type EditorAction =
  | { type: "load"; graph: CanvasGraph }
  | { type: "add"; node: CanvasNode; after?: string | null; before?: string | null }
  | { type: "connect"; source: string; target: string }
  | { type: "remove"; nodes: string[]; edges?: string[] }
  | { type: "drag"; positions: Record<string, XY> }
  | { type: "dragEnd" }
  | { type: "params"; id: string; params: Record<string, unknown> }
  | { type: "paste"; clipboard: Clipboard; offset?: XY }
  | { type: "insert"; node: CanvasNode; after?: string | null; before?: string | null }
  | { type: "layout" }
  | { type: "replace"; graph: CanvasGraph }
  | { type: "select"; ids: string[] }
  | { type: "undo" }
  | { type: "redo" };

export function initEditor(graph: CanvasGraph = G.EMPTY_GRAPH, loads = 0): EditorState {
  return { history: createHistory(graph), selected: [], dragBase: null, loads };
}

function edit(state: EditorState, next: CanvasGraph, key?: string): EditorState {
  const history = commit(state.history, next, key === undefined ? {} : { key });
  const ids = new Set(history.present.nodes.map((n) => n.id));
  return { ...state, history, dragBase: null, selected: state.selected.filter((id) => ids.has(id)) };
}

/** Copies the nodes `ids` and the edges that run between two of them. */
export function copySelection(graph: CanvasGraph, ids: string[]): Clipboard {
  const keep = new Set(ids);
  return {
    nodes: graph.nodes.filter((n) => keep.has(n.id)).map((n) => ({ ...n, params: structuredClone(n.params) })),
    edges: graph.edges.filter((e) => keep.has(e.source) && keep.has(e.target)),
  };
}

/** Adds the clipboard's nodes under fresh ids (edges among them follow); returns the new ids. */
export function pasteInto(graph: CanvasGraph, clipboard: Clipboard, offset: XY = { x: 40, y: 40 }): { graph: CanvasGraph; ids: string[] } {
  const rename = new Map<string, string>();
  const taken = graph.nodes.map((n) => n.id);
  let next = graph;
  for (const node of clipboard.nodes) {
    const id = G.newNodeId(node.type, [...taken, ...rename.values()]);
    rename.set(node.id, id);
    next = G.addNode(next, {
      id,
      type: node.type,
      params: structuredClone(node.params),
      position: { x: node.position.x + offset.x, y: node.position.y + offset.y },
    });
  }
  for (const e of clipboard.edges) {
    const source = rename.get(e.source);
    const target = rename.get(e.target);
    if (source !== undefined && target !== undefined) next = G.connect(next, source, target);
  }
  return { graph: next, ids: [...rename.values()] };
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  const graph = state.history.present;
  switch (action.type) {
    case "load":
      return initEditor(action.graph, state.loads + 1);
    case "add":
    case "insert": {
      let next: CanvasGraph;
      if (action.after) next = G.insertAfter(graph, action.after, action.node);
      else if (action.before) next = G.insertBefore(graph, action.before, action.node);
      else next = G.addNode(graph, action.node);
      // A node spliced into a chain needs room: the advisor's inserts re-lay the graph out.
      if (action.type === "insert") next = G.move(next, autoLayout(next));
      return { ...edit(state, next), selected: [action.node.id] };
    }
    case "connect":
      return edit(state, G.connect(graph, action.source, action.target));
    case "remove":
      return edit(state, G.remove(graph, action.nodes, action.edges ?? []));
    case "drag": {
      const base = state.dragBase ?? graph;
      return { ...state, dragBase: base, history: replace(state.history, G.move(graph, action.positions)) };
    }
    case "dragEnd": {
      if (state.dragBase === null) return state;
      const history = commit(state.history, graph, { base: state.dragBase });
      return { ...state, dragBase: null, history: state.dragBase === graph ? state.history : history };
    }
    case "params":
      return edit(state, G.setParams(graph, action.id, action.params), `params:${action.id}`);
    case "paste": {
      const { graph: next, ids } = pasteInto(graph, action.clipboard, action.offset);
      return { ...edit(state, next), selected: ids };
    }
    case "layout":
      return edit(state, G.move(graph, autoLayout(graph)));
    case "replace":
      // A suggested pipeline: laid out, and one undo step away from what was there.
      return { ...edit(state, G.move(action.graph, autoLayout(action.graph))), selected: [] };
    case "select":
      return { ...state, selected: action.ids };
    case "undo":
    case "redo": {
      const history = action.type === "undo" ? undo(state.history) : redo(state.history);
      const ids = new Set(history.present.nodes.map((n) => n.id));
      return { ...state, history, dragBase: null, selected: state.selected.filter((id) => ids.has(id)) };
    }
  }
}
