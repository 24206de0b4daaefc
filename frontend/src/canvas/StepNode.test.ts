import { describe, expect, it } from "vitest";
import { type StepData, nodeLabel, paramSummary } from "./StepNode";

const data = (over: Partial<StepData> = {}): StepData => ({
  type: "StandardScaler",
  group: "scaling",
  summary: "",
  status: null,
  issues: [],
  isModel: false,
  readOnly: false,
  ...over,
});

describe("node summary and label", () => {
  it("summarises the set parameters, target and columns first", () => {
    expect(paramSummary({ shuffle: true, target_column: "churned", test_size: 0.2 })).toBe("target_column: churned · shuffle: true");
    expect(paramSummary({ strategy: "median", columns: ["age", "income"], fill_value: null })).toBe("columns: age, income · strategy: median");
    expect(paramSummary({ columns: [] })).toBe("");
    expect(paramSummary({ columns: Array.from({ length: 30 }, (_, i) => `column_${i}`) })).toHaveLength(70);
  });

  it("says the status and the problems, not only in colour", () => {
    expect(nodeLabel("scale_1", data())).toBe("StandardScaler node scale_1");
    expect(nodeLabel("scale_1", data({ status: "running" }))).toBe("StandardScaler node scale_1, status running");
    expect(nodeLabel("scale_1", data({ status: "failed", issues: ["a", "b"] }))).toBe("StandardScaler node scale_1, status failed, 2 problems: a; b");
  });
});
