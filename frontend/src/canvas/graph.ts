// The canvas's graph as plain data, and every edit a person can make to it as a pure function.
// React Flow only draws this state; the history (history.ts) records it, the API receives it
// through toApiGraph, and each edit here is unit-tested without a DOM.

export type XY = { x: number; y: number };

export type CanvasNode = {
  id: string;
  type: string;
  params: Record<string, unknown>;
  position: XY;
};

export type CanvasEdge = { source: string; target: string };

export type CanvasGraph = { nodes: CanvasNode[]; edges: CanvasEdge[] };

/** The graph as the API takes it: `{nodes: [{id, type, params}], edges: [{source, target}]}`. */
export type ApiGraph = {
  nodes: { id: string; type: string; params: Record<string, unknown> }[];
  edges: { source: string; target: string }[];
};

export type Layout = Record<string, XY>;

/** A graph as the server may send it: params and edges may be left out. */
export type ApiGraphIn = {
  nodes: { id: string; type: string; params?: Record<string, unknown> }[];
  edges?: { source: string; target: string }[];
};

export const EMPTY_GRAPH: CanvasGraph = { nodes: [], edges: [] };

export function edgeId(edge: CanvasEdge): string {
  return `${edge.source}->${edge.target}`;
}

/** A readable id unique in `taken`: the type in snake case plus the first free number. */
export function newNodeId(type: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base = type
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toLowerCase()
    .replace(/^_+|_+$/g, "") || "node";
  for (let n = 1; ; n += 1) {
    const id = `${base}_${n}`;
    if (!used.has(id)) return id;
  }
}

export function toApiGraph(graph: CanvasGraph): ApiGraph {
  return {
    nodes: graph.nodes.map(({ id, type, params }) => ({ id, type, params })),
    edges: graph.edges.map(({ source, target }) => ({ source, target })),
  };
}

export function toLayout(graph: CanvasGraph): Layout {
  return Object.fromEntries(graph.nodes.map((n) => [n.id, { x: n.position.x, y: n.position.y }]));
}

/** A graph from the API's graph and layout; nodes without a position are placed by `fallback`. */
export function fromApiGraph(api: ApiGraphIn, layout: Record<string, unknown> | null | undefined, fallback: (index: number) => XY): CanvasGraph {
  return {
    nodes: api.nodes.map((n, i) => ({
      id: n.id,
      type: n.type,
      params: { ...(n.params ?? {}) },
      position: asXY(layout?.[n.id]) ?? fallback(i),
    })),
    edges: (api.edges ?? []).map(({ source, target }) => ({ source, target })),
  };
}

function asXY(value: unknown): XY | null {
  if (typeof value !== "object" || value === null) return null;
  const { x, y } = value as { x?: unknown; y?: unknown };
  return typeof x === "number" && typeof y === "number" ? { x, y } : null;
}

export function parentsOf(graph: CanvasGraph, id: string): string[] {
  return graph.edges.filter((e) => e.target === id).map((e) => e.source);
}

export function childrenOf(graph: CanvasGraph, id: string): string[] {
  return graph.edges.filter((e) => e.source === id).map((e) => e.target);
}

/** Every node upstream of `id` (not `id` itself). */
export function ancestorsOf(graph: CanvasGraph, id: string): Set<string> {
  const seen = new Set<string>();
  const queue = parentsOf(graph, id);
  while (queue.length > 0) {
    const current = queue.shift() as string;
    if (seen.has(current)) continue;
    seen.add(current);
    queue.push(...parentsOf(graph, current));
  }
  return seen;
}

/** True when an edge source -> target would close a cycle (or is a self-loop). */
export function wouldCycle(graph: CanvasGraph, source: string, target: string): boolean {
  return source === target || ancestorsOf(graph, source).has(target);
}

export function addNode(graph: CanvasGraph, node: CanvasNode): CanvasGraph {
  if (graph.nodes.some((n) => n.id === node.id)) return graph;
  return { ...graph, nodes: [...graph.nodes, node] };
}

/** Adds the edge unless it exists, points at an unknown node, or would make a cycle. */
export function connect(graph: CanvasGraph, source: string, target: string): CanvasGraph {
  const ids = new Set(graph.nodes.map((n) => n.id));
  if (!ids.has(source) || !ids.has(target)) return graph;
  if (graph.edges.some((e) => e.source === source && e.target === target)) return graph;
  if (wouldCycle(graph, source, target)) return graph;
  return { ...graph, edges: [...graph.edges, { source, target }] };
}

/** Removes nodes (with their edges) and edges (by `edgeId`). */
export function remove(graph: CanvasGraph, nodeIds: Iterable<string>, edgeIds: Iterable<string> = []): CanvasGraph {
  const goneNodes = new Set(nodeIds);
  const goneEdges = new Set(edgeIds);
  if (goneNodes.size === 0 && goneEdges.size === 0) return graph;
  return {
    nodes: graph.nodes.filter((n) => !goneNodes.has(n.id)),
    edges: graph.edges.filter(
      (e) => !goneNodes.has(e.source) && !goneNodes.has(e.target) && !goneEdges.has(edgeId(e)),
    ),
  };
}

/** Moves nodes to new positions (ids not in the graph are ignored). */
export function move(graph: CanvasGraph, positions: Record<string, XY>): CanvasGraph {
  let changed = false;
  const nodes = graph.nodes.map((n) => {
    const p = positions[n.id];
    if (p === undefined || (p.x === n.position.x && p.y === n.position.y)) return n;
    changed = true;
    return { ...n, position: { x: p.x, y: p.y } };
  });
  return changed ? { ...graph, nodes } : graph;
}

export function setParams(graph: CanvasGraph, id: string, params: Record<string, unknown>): CanvasGraph {
  return { ...graph, nodes: graph.nodes.map((n) => (n.id === id ? { ...n, params: { ...params } } : n)) };
}

/**
 * Adds `node` after `after`: the edge after -> node, and `after`'s outgoing edges re-routed to
 * leave from `node` instead (so a chain a -> b becomes a -> node -> b).
 */
export function insertAfter(graph: CanvasGraph, after: string, node: CanvasNode): CanvasGraph {
  if (!graph.nodes.some((n) => n.id === after)) return addNode(graph, node);
  const withNode = addNode(graph, node);
  const edges = withNode.edges.map((e) => (e.source === after ? { source: node.id, target: e.target } : e));
  return { ...withNode, edges: [...edges, { source: after, target: node.id }] };
}

/**
 * Adds `node` before `before`: its incoming edges now end at `node`, and node -> before.
 */
export function insertBefore(graph: CanvasGraph, before: string, node: CanvasNode): CanvasGraph {
  if (!graph.nodes.some((n) => n.id === before)) return addNode(graph, node);
  const withNode = addNode(graph, node);
  const edges = withNode.edges.map((e) => (e.target === before ? { source: e.source, target: node.id } : e));
  return { ...withNode, edges: [...edges, { source: node.id, target: before }] };
}

/** The nodes in topological order (sources first); nodes on a cycle come last, in graph order. */
export function topoOrder(graph: CanvasGraph): string[] {
  const indeg = new Map(graph.nodes.map((n) => [n.id, 0]));
  for (const e of graph.edges) if (indeg.has(e.target) && indeg.has(e.source)) indeg.set(e.target, (indeg.get(e.target) ?? 0) + 1);
  const queue = graph.nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    order.push(current);
    for (const child of childrenOf(graph, current)) {
      const d = (indeg.get(child) ?? 0) - 1;
      indeg.set(child, d);
      if (d === 0) queue.push(child);
    }
  }
  for (const n of graph.nodes) if (!order.includes(n.id)) order.push(n.id);
  return order;
}

/** The graph made of `id` and its ancestors: what runs to produce `id`'s output. */
export function upstreamGraph(graph: CanvasGraph, id: string): ApiGraph {
  const keep = ancestorsOf(graph, id);
  keep.add(id);
  return toApiGraph({
    nodes: graph.nodes.filter((n) => keep.has(n.id)),
    edges: graph.edges.filter((e) => keep.has(e.source) && keep.has(e.target)),
  });
}
