// Auto-layout: dagre ranks the graph left to right, sources first. Positions are React Flow's
// (the node's top-left corner), so dagre's centres are shifted by half a node.

import { Graph, layout as dagreLayout } from "@dagrejs/dagre";
import type { CanvasGraph, XY } from "./graph";

export const NODE_WIDTH = 180;
export const NODE_HEIGHT = 72;

export function autoLayout(graph: CanvasGraph, options: { rankSep?: number; nodeSep?: number } = {}): Record<string, XY> {
  const g = new Graph();
  g.setGraph({ rankdir: "LR", ranksep: options.rankSep ?? 45, nodesep: options.nodeSep ?? 30, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of graph.edges) g.setEdge(e.source, e.target);
  dagreLayout(g);
  const positions: Record<string, XY> = {};
  for (const n of graph.nodes) {
    const p = g.node(n.id);
    positions[n.id] = { x: Math.round(p.x - NODE_WIDTH / 2), y: Math.round(p.y - NODE_HEIGHT / 2) };
  }
  return positions;
}
