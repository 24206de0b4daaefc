// Where a new node goes. The advisor's suggestions follow the leakage rule: a node that learns
// from data goes right after the TrainTestSplitter (it must only see training rows); one that does
// not goes before the split (it then cleans every row the same way). A node added by a click goes
// after the selected node, or at the end of the pipeline.

import { type CanvasGraph, type XY, childrenOf, topoOrder } from "./graph";
import { NODE_HEIGHT, NODE_WIDTH } from "./layout";

export const SPLITTER_TYPE = "TrainTestSplitter";
export const MODEL_GROUP = "model";

export type Anchor = { after: string | null; before: string | null };

/** Where the advisor inserts a node: `isModel` tells model nodes apart (they end the pipeline). */
export function suggestedAnchor(graph: CanvasGraph, learns: boolean, isModel: (type: string) => boolean): Anchor {
  const splitter = graph.nodes.find((n) => n.type === SPLITTER_TYPE);
  if (splitter !== undefined) {
    return learns ? { after: splitter.id, before: null } : { after: null, before: splitter.id };
  }
  // No split yet: keep the model last, or append to the end of the chain.
  const model = graph.nodes.find((n) => isModel(n.type));
  if (model !== undefined) return { after: null, before: model.id };
  const order = topoOrder(graph);
  const sink = [...order].reverse().find((id) => childrenOf(graph, id).length === 0);
  return { after: sink ?? null, before: null };
}

/**
 * Where a click-added node goes: after the selected node (before it, when it is a model, since a
 * model ends the pipeline); with nothing selected, before the model or at the end of the chain.
 */
export function clickAnchor(graph: CanvasGraph, selected: string[], addsModel: boolean, isModel: (type: string) => boolean): Anchor {
  const chosen = graph.nodes.find((n) => selected.includes(n.id));
  if (chosen !== undefined) {
    return isModel(chosen.type) && !addsModel ? { after: null, before: chosen.id } : { after: chosen.id, before: null };
  }
  const model = graph.nodes.find((n) => isModel(n.type));
  if (model !== undefined && !addsModel) return { after: null, before: model.id };
  const sink = [...topoOrder(graph)].reverse().find((id) => childrenOf(graph, id).length === 0);
  return { after: sink ?? null, before: null };
}

/** A free spot: right of `after` when given, else below everything on the canvas. */
export function spotFor(graph: CanvasGraph, after: string | null): XY {
  const anchor = graph.nodes.find((n) => n.id === after);
  if (anchor !== undefined) {
    const x = anchor.position.x + NODE_WIDTH + 60;
    let y = anchor.position.y;
    while (graph.nodes.some((n) => Math.abs(n.position.x - x) < NODE_WIDTH && Math.abs(n.position.y - y) < NODE_HEIGHT)) {
      y += NODE_HEIGHT + 30;
    }
    return { x, y };
  }
  if (graph.nodes.length === 0) return { x: 40, y: 40 };
  const bottom = Math.max(...graph.nodes.map((n) => n.position.y));
  const left = Math.min(...graph.nodes.map((n) => n.position.x));
  return { x: left, y: bottom + NODE_HEIGHT + 40 };
}
