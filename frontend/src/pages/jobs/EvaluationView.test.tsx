// @vitest-environment jsdom
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { FoldParams } from "./EvaluationView";

afterEach(cleanup);

describe("FoldParams", () => {
  it("nested_cv: one row per outer fold with the parameters its search chose", () => {
    render(<FoldParams params={[{ alpha: 3, solver: "auto" }, { alpha: 10, solver: "auto" }]} />);
    const table = screen.getByRole("table", { name: "Parameters chosen in each outer fold" });
    const rows = within(table).getAllByRole("row");
    expect(rows.map((r) => r.textContent)).toEqual(["Outer foldalphasolver", "13auto", "210auto"]);
  });
});
