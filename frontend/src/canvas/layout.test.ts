import { describe, expect, it } from "vitest";
import type { CanvasGraph } from "./graph";
import { MAX_RANKS_PER_ROW, NODE_HEIGHT, NODE_WIDTH, autoLayout } from "./layout";

const at = { x: 0, y: 0 };

describe("autoLayout", () => {
  it("places a chain left to right in edge order, whatever the node order", () => {
    const g: CanvasGraph = {
      nodes: ["rf", "scale", "split", "impute"].map((id) => ({ id, type: "T", params: {}, position: at })),
      edges: [
        { source: "split", target: "impute" },
        { source: "impute", target: "scale" },
        { source: "scale", target: "rf" },
      ],
    };
    const p = autoLayout(g);
    const xs = ["split", "impute", "scale", "rf"].map((id) => p[id]?.x ?? NaN);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    for (let i = 1; i < xs.length; i += 1) expect((xs[i] ?? 0) - (xs[i - 1] ?? 0)).toBeGreaterThanOrEqual(NODE_WIDTH);
    const ys = new Set(Object.values(p).map((q) => q.y));
    expect(ys.size).toBe(1);
  });

  it("stacks the branches of a fork so that no two nodes overlap", () => {
    const g: CanvasGraph = {
      nodes: ["a", "b", "c"].map((id) => ({ id, type: "T", params: {}, position: at })),
      edges: [
        { source: "a", target: "b" },
        { source: "a", target: "c" },
      ],
    };
    const p = autoLayout(g);
    expect(p.b?.x).toBe(p.c?.x);
    expect(p.b?.y).not.toBe(p.c?.y);
    expect(p.a?.x).toBeLessThan(p.b?.x ?? 0);
  });
});

describe("autoLayout of a long chain", () => {
  const ids = ["a", "b", "c", "d", "e", "f", "g", "h"];
  const chain: CanvasGraph = {
    nodes: ids.map((id) => ({ id, type: "T", params: {}, position: at })),
    edges: ids.slice(1).map((id, i) => ({ source: ids[i] ?? "", target: id })),
  };

  it("folds into rows read like text, so zoom-to-fit keeps it legible", () => {
    const p = autoLayout(chain);
    const first = ids.slice(0, MAX_RANKS_PER_ROW);
    const second = ids.slice(MAX_RANKS_PER_ROW);
    expect(new Set(first.map((id) => p[id]?.y)).size).toBe(1);
    expect(new Set(second.map((id) => p[id]?.y)).size).toBe(1);
    expect(p.f?.y ?? 0).toBeGreaterThanOrEqual((p.a?.y ?? 0) + NODE_HEIGHT);
    expect(p.f?.x).toBe(p.a?.x); // the second row starts under the first
    const xs = second.map((id) => p[id]?.x ?? NaN);
    expect(xs).toEqual([...xs].sort((u, v) => u - v));
    const widths = Object.values(p).map((q) => q.x);
    expect(Math.max(...widths) - Math.min(...widths)).toBeLessThan(MAX_RANKS_PER_ROW * (NODE_WIDTH + 50));
  });

  it("keeps the branches of a folded graph apart", () => {
    const g: CanvasGraph = {
      nodes: [...chain.nodes, { id: "x", type: "T", params: {}, position: at }],
      edges: [...chain.edges, { source: "f", target: "x" }],
    };
    const p = autoLayout(g);
    const seen = new Set(Object.values(p).map((q) => `${q.x},${q.y}`));
    expect(seen.size).toBe(g.nodes.length);
    expect(p.x?.x).toBe(p.g?.x);
  });
});
