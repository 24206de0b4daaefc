// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ColumnPicker, type ColumnInfo } from "./ColumnPicker";

// Role queries in jsdom are slow on a busy machine: the default 5 s is tight for a first render.
vi.setConfig({ testTimeout: 20_000 });

afterEach(cleanup);

const columns: ColumnInfo[] = [
  { name: "customer_id", dtype: "String" },
  { name: "age", dtype: "Int64" },
  { name: "income", dtype: "Float64" },
  { name: "city", dtype: "String" },
  { name: "plan_type", dtype: "Categorical" },
  { name: "signup_date", dtype: "Date" },
  { name: "churned", dtype: "Boolean" },
];

function optionNames(): string[] {
  const list = screen.getByRole("list", { name: "Columns options" });
  return within(list)
    .getAllByRole("checkbox")
    .map((box) => box.closest("label")?.textContent ?? "");
}

describe("ColumnPicker (several)", () => {
  it("lists every column with its dtype and filters by search text and by type", () => {
    render(<ColumnPicker id="cols" label="Columns" columns={columns} multiple value={[]} onChange={() => {}} />);
    expect(optionNames()).toHaveLength(7);
    expect(optionNames()[1]).toContain("Int64");

    fireEvent.change(screen.getByRole("searchbox", { name: "Search Columns" }), { target: { value: "IN" } });
    expect(optionNames().map((n) => n.split(" ")[0])).toEqual(["income"]);

    fireEvent.change(screen.getByRole("searchbox", { name: "Search Columns" }), { target: { value: "" } });
    fireEvent.change(screen.getByRole("combobox", { name: "Column types for Columns" }), { target: { value: "numeric" } });
    expect(optionNames().map((n) => n.split(" ")[0])).toEqual(["age", "income"]);

    fireEvent.change(screen.getByRole("combobox", { name: "Column types for Columns" }), { target: { value: "categorical" } });
    expect(optionNames().map((n) => n.split(" ")[0])).toEqual(["customer_id", "city", "plan_type", "churned"]);
  });

  it("leaves out search and type filter for a short list", () => {
    render(<ColumnPicker id="cols" label="Columns" columns={columns.slice(0, 4)} multiple value={[]} onChange={() => {}} />);
    expect(screen.queryByRole("searchbox")).toBeNull();
    expect(optionNames()).toHaveLength(4);
  });

  it("starts on the filter it is given", () => {
    render(<ColumnPicker id="cols" label="Columns" columns={columns} multiple value={[]} onChange={() => {}} filter="numeric" />);
    expect(optionNames().map((n) => n.split(" ")[0])).toEqual(["age", "income"]);
  });

  it("toggles columns, keeps their order of choice, and selects all shown or clears", () => {
    const onChange = vi.fn();
    const { rerender } = render(<ColumnPicker id="cols" label="Columns" columns={columns} multiple value={["city"]} onChange={onChange} />);
    fireEvent.click(screen.getByRole("checkbox", { name: /^age/ }));
    expect(onChange).toHaveBeenLastCalledWith(["city", "age"]);
    fireEvent.click(screen.getByRole("checkbox", { name: /^city/ }));
    expect(onChange).toHaveBeenLastCalledWith([]);

    fireEvent.change(screen.getByRole("combobox", { name: "Column types for Columns" }), { target: { value: "numeric" } });
    fireEvent.click(screen.getByRole("button", { name: "Select all shown" }));
    expect(onChange).toHaveBeenLastCalledWith(["city", "age", "income"]);

    rerender(<ColumnPicker id="cols" label="Columns" columns={columns} multiple value={["city", "age", "income"]} onChange={onChange} />);
    expect((screen.getByRole("button", { name: "Select all shown" }) as HTMLButtonElement).disabled).toBe(true);
    // Clear removes only the shown (numeric) columns.
    fireEvent.click(screen.getByRole("button", { name: "Clear" }));
    expect(onChange).toHaveBeenLastCalledWith(["city"]);
  });

  it("shows a column missing from the input as a warning and keeps it until removed", () => {
    const onChange = vi.fn();
    render(<ColumnPicker id="cols" label="Columns" columns={columns} multiple value={["age", "monthly_spend"]} onChange={onChange} />);
    expect(screen.getByText("Not in this node's input: monthly_spend")).toBeTruthy();
    const stale = screen.getByRole("checkbox", { name: /monthly_spend/ });
    expect((stale as HTMLInputElement).checked).toBe(true);
    // Choosing another column keeps the missing one in the value.
    fireEvent.click(screen.getByRole("checkbox", { name: /^income/ }));
    expect(onChange).toHaveBeenLastCalledWith(["age", "monthly_spend", "income"]);
    fireEvent.click(stale);
    expect(onChange).toHaveBeenLastCalledWith(["age"]);
  });
});

describe("ColumnPicker (one)", () => {
  it("is a labelled select with dtypes, a none choice and the search filter", () => {
    const onChange = vi.fn();
    render(<ColumnPicker id="target" label="Target Column" columns={columns} multiple={false} value={null} onChange={onChange} />);
    const select = screen.getByRole("combobox", { name: "Target Column" });
    expect(within(select).getByRole("option", { name: "churned (Boolean)" })).toBeTruthy();
    fireEvent.change(select, { target: { value: "churned" } });
    expect(onChange).toHaveBeenLastCalledWith("churned");
    fireEvent.change(select, { target: { value: "" } });
    expect(onChange).toHaveBeenLastCalledWith(null);

    fireEvent.change(screen.getByRole("searchbox", { name: "Search Target Column" }), { target: { value: "ch" } });
    expect(within(select).getAllByRole("option").map((o) => o.textContent)).toEqual(["— none —", "churned (Boolean)"]);
  });

  it("keeps a chosen column that is no longer in the input, with a warning", () => {
    render(<ColumnPicker id="target" label="Target Column" columns={columns} multiple={false} value="label" onChange={() => {}} />);
    const select = screen.getByRole("combobox", { name: "Target Column" }) as HTMLSelectElement;
    expect(select.value).toBe("label");
    expect(screen.getByText("Not in this node's input: label")).toBeTruthy();
    const described = (select.getAttribute("aria-describedby") ?? "").split(" ").map((id) => document.getElementById(id)?.textContent);
    expect(described).toContain("Not in this node's input: label");
  });

  it("takes typed names when no input columns are known", () => {
    const onChange = vi.fn();
    render(<ColumnPicker id="cols" label="Columns" columns={[]} multiple value={null} onChange={onChange} />);
    fireEvent.change(screen.getByRole("textbox", { name: "Columns" }), { target: { value: "age, income ," } });
    expect(onChange).toHaveBeenLastCalledWith(["age", "income"]);
  });
});
