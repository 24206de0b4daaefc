// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ProblemsList } from "./ProblemsList";
import type { GraphIssue } from "./types";

// Role queries in jsdom are slow on a busy machine: the default 5 s is tight for a first render.
vi.setConfig({ testTimeout: 20_000 });

afterEach(cleanup);

const issues: GraphIssue[] = [
  { node_id: "scale", field: null, column: null, message: "StandardScaler learns from data and sits before the split: it would leak the test rows" },
  { node_id: "split", field: "target_column", column: "label", message: "column 'label' is not in the dataset" },
  { node_id: null, field: null, column: null, message: "the pipeline has no model" },
  { node_id: "split", field: "test_size", column: null, message: "test_size must be below 1" },
];

describe("ProblemsList", () => {
  it("says there are no problems", () => {
    render(<ProblemsList issues={[]} onSelect={() => {}} />);
    expect(screen.getByText("No problems")).toBeTruthy();
    expect(screen.getByRole("heading", { level: 2 }).textContent).toBe("Problems 0problems");
  });

  it("groups problems by node with a count, the pipeline's own first", () => {
    render(<ProblemsList issues={issues} onSelect={() => {}} />);
    expect(screen.getByTestId("problem-count").textContent).toBe("4");
    expect(screen.getByRole("heading", { level: 2 }).textContent).toBe("Problems 4problems");
    const groups = screen.getAllByRole("heading", { level: 3 }).map((h) => h.textContent);
    expect(groups).toEqual(["Pipeline", "scale", "split"]);
    const split = screen.getByRole("heading", { level: 3, name: "split" }).closest("li") as HTMLElement;
    expect(within(split).getAllByRole("button").map((b) => b.textContent)).toEqual([
      "target_column: column 'label' is not in the dataset",
      "test_size: test_size must be below 1",
    ]);
  });

  it("selects the node and field of a problem by click and by keyboard", () => {
    const onSelect = vi.fn();
    render(<ProblemsList issues={issues} onSelect={onSelect} />);
    fireEvent.click(screen.getByRole("button", { name: /column 'label'/ }));
    expect(onSelect).toHaveBeenLastCalledWith("split", "target_column");
    const leak = screen.getByRole("button", { name: /would leak/ });
    leak.focus();
    expect(document.activeElement).toBe(leak);
    // A native button: Enter and Space activate it (dispatched as click by the browser).
    expect(leak.tagName).toBe("BUTTON");
    fireEvent.click(leak);
    expect(onSelect).toHaveBeenLastCalledWith("scale", null);
    fireEvent.click(screen.getByRole("button", { name: "the pipeline has no model" }));
    expect(onSelect).toHaveBeenLastCalledWith(null, null);
  });
});
