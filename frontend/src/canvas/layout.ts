// Auto-layout: dagre ranks the graph left to right, sources first. Positions are React Flow's
// (the node's top-left corner), so dagre's centres are shifted by half a node. A graph of more
// than MAX_RANKS_PER_ROW ranks folds into rows read like text (left to right, then the next row
// below), so a long chain stays legible when the canvas is zoomed to fit it.

import { Graph, layout as dagreLayout } from "@dagrejs/dagre";
import type { CanvasGraph, XY } from "./graph";

export const NODE_WIDTH = 180;
export const NODE_HEIGHT = 72;
export const MAX_RANKS_PER_ROW = 5;
const ROW_GAP = 60;

type Options = { rankSep?: number; nodeSep?: number; maxRanksPerRow?: number };

export function autoLayout(graph: CanvasGraph, options: Options = {}): Record<string, XY> {
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
  return foldIntoRows(positions, options.maxRanksPerRow ?? MAX_RANKS_PER_ROW);
}

/** Ranks (the distinct x positions) beyond `perRow` continue on rows below, each row starting at
 * the first rank's x and placed under the lowest node of the rows above it. */
export function foldIntoRows(positions: Record<string, XY>, perRow: number): Record<string, XY> {
  const xs = [...new Set(Object.values(positions).map((p) => p.x))].sort((a, b) => a - b);
  if (xs.length <= perRow) return positions;
  const rankOf = new Map(xs.map((x, i) => [x, i]));
  const top = Math.min(...Object.values(positions).map((p) => p.y));
  const rows: string[][] = [];
  for (const [id, p] of Object.entries(positions)) {
    const row = Math.floor((rankOf.get(p.x) ?? 0) / perRow);
    (rows[row] ??= []).push(id);
  }
  const out: Record<string, XY> = {};
  let offset = 0;
  rows.forEach((ids, row) => {
    const rowTop = Math.min(...ids.map((id) => positions[id]?.y ?? top));
    let bottom = rowTop;
    for (const id of ids) {
      const p = positions[id] ?? { x: 0, y: 0 };
      const y = p.y - rowTop + top + offset;
      out[id] = { x: (xs[(rankOf.get(p.x) ?? 0) - row * perRow] ?? p.x), y };
      bottom = Math.max(bottom, p.y - rowTop + NODE_HEIGHT);
    }
    offset += bottom - rowTop + ROW_GAP;
  });
  return out;
}
