import { describe, expect, it } from "vitest";
import type { CanvasGraph } from "./graph";
import { NODE_WIDTH, autoLayout } from "./layout";

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
