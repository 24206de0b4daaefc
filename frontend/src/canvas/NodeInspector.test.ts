import { describe, expect, it } from "vitest";
import { splitIssues } from "./NodeInspector";

const issue = (field: string | null, message: string) => ({ node_id: "n", field, column: null, message });
const schema = { type: "object", properties: { columns: {}, strategy: {} } };

describe("a node's problems in its side panel", () => {
  it("gives the form its fields' messages and keeps the rest for the node as a whole", () => {
    const out = splitIssues(
      [issue("columns", "column 'x' is not in the data"), issue("columns", "column 'y' too"), issue("edges", "sits before the split"), issue(null, "unknown")],
      schema,
    );
    expect(out.fields).toEqual({ columns: "column 'x' is not in the data; column 'y' too" });
    expect(out.node).toEqual(["sits before the split", "unknown"]);
  });

  it("routes a nested field to the form by its top-level parameter", () => {
    expect(splitIssues([issue("strategy.kind", "bad")], schema).fields).toEqual({ "strategy.kind": "bad" });
  });
});
