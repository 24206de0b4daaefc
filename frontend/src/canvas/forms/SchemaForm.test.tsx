// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { catalogSchemas } from "./__fixtures__/catalog";
import type { ColumnInfo } from "./ColumnPicker";
import { SchemaForm } from "./SchemaForm";
import { fieldSpec, type JsonSchema } from "./schema";

// Role queries in jsdom are slow on a busy machine: the default 5 s is tight for a first render.
vi.setConfig({ testTimeout: 20_000 });

afterEach(cleanup);

const columns: ColumnInfo[] = [
  { name: "age", dtype: "Int64" },
  { name: "income", dtype: "Float64" },
  { name: "city", dtype: "String" },
  { name: "signup_date", dtype: "Date" },
  { name: "lat", dtype: "Float64" },
  { name: "lon", dtype: "Float64" },
  { name: "churned", dtype: "Int64" },
];

function schema(id: string): JsonSchema {
  const s = catalogSchemas[id];
  if (s === undefined) throw new Error(`no fixture for ${id}`);
  return s;
}

/** A form that keeps its value, like the canvas does, and reports each change. */
function Stateful({ id, initial = {}, onChange, ...rest }: { id: string; initial?: Record<string, unknown>; onChange(v: Record<string, unknown>): void; errors?: Record<string, string>; focusField?: string; readOnly?: boolean }) {
  const [value, setValue] = useState(initial);
  return (
    <SchemaForm
      schema={schema(id)}
      value={value}
      columns={columns}
      onChange={(next) => {
        setValue(next);
        onChange(next);
      }}
      {...rest}
    />
  );
}

function input(name: string | RegExp): HTMLInputElement {
  return screen.getByLabelText(name) as HTMLInputElement;
}

describe("which editor each real parameter gets", () => {
  it("maps column-naming parameters to pickers and leaves output names as text", () => {
    const kinds = (id: string) =>
      Object.fromEntries(Object.entries(schema(id).properties ?? {}).map(([k, p]) => [k, fieldSpec(k, p, schema(id)).kind]));
    expect(kinds("OneHotEncoder")).toMatchObject({ columns: "columns", handle_unknown: "enum", max_categories: "integer", drop_first: "boolean" });
    expect(kinds("TrainTestSplitter")).toMatchObject({ target_column: "column", test_size: "number", random_state: "integer" });
    expect(kinds("GeoDistance")).toMatchObject({ lat1: "column", lon2: "column", ref_lat: "number", output_column: "string" });
    expect(kinds("GeneralBinning")).toMatchObject({ custom_bins: "map", custom_labels: "map", strategy: "enum" });
    expect(kinds("MinMaxScaler")).toMatchObject({ feature_range: "tuple" });
    expect(kinds("DateFeatures")).toMatchObject({ features: "enum-list", columns: "columns" });
    expect(kinds("FeatureGeneration")).toMatchObject({ operations: "list" });
    expect(kinds("TextCleaning")).toMatchObject({ operations: "list" });
    expect(kinds("random_forest_classifier")).toMatchObject({ max_features: "union", class_weight: "enum", max_depth: "integer" });
    const op = schema("FeatureGeneration").$defs?.Operation?.properties ?? {};
    expect(fieldSpec("input_columns", op.input_columns ?? {}, schema("FeatureGeneration")).kind).toBe("columns");
    expect(fieldSpec("output_column", op.output_column ?? {}, schema("FeatureGeneration")).kind).toBe("string");
  });
});

describe("SchemaForm", () => {
  it("labels every field, shows defaults and help, and types the values it emits", () => {
    const onChange = vi.fn();
    render(<Stateful id="OneHotEncoder" onChange={onChange} />);
    for (const label of ["Handle Unknown", "Drop First", "Max Categories", "Include Missing", "Drop Original", "Prefix Separator"]) {
      expect(screen.getByLabelText(label)).toBeTruthy();
    }
    expect(screen.getByRole("group", { name: "Columns" })).toBeTruthy();
    expect(input("Max Categories").value).toBe("20");
    expect(screen.getByText("null = no limit; a number is at most 10000")).toBeTruthy();
    expect(input("Max Categories").getAttribute("aria-describedby")).toContain("help");

    fireEvent.change(input("Max Categories"), { target: { value: "12" } });
    expect(onChange).toHaveBeenLastCalledWith({ max_categories: 12 });
    fireEvent.click(input("Drop First"));
    expect(onChange).toHaveBeenLastCalledWith({ max_categories: 12, drop_first: true });
    const select = screen.getByRole("combobox", { name: "Handle Unknown" });
    expect(within(select).getAllByRole("option").map((o) => o.textContent)).toEqual(["ignore", "error"]);
    fireEvent.change(select, { target: { value: "1" } });
    expect(onChange).toHaveBeenLastCalledWith({ max_categories: 12, drop_first: true, handle_unknown: "error" });
  });

  it("refuses numbers outside the bounds with a message, and accepts them again when fixed", () => {
    const onChange = vi.fn();
    render(<Stateful id="TrainTestSplitter" onChange={onChange} />);
    fireEvent.change(input("Test Size"), { target: { value: "1" } });
    expect(screen.getByRole("alert").textContent).toBe("Must be less than 1");
    expect(input("Test Size").getAttribute("aria-invalid")).toBe("true");
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.change(input("Test Size"), { target: { value: "0.25" } });
    expect(screen.queryByRole("alert")).toBeNull();
    expect(onChange).toHaveBeenLastCalledWith({ test_size: 0.25 });

    fireEvent.change(input("Random State"), { target: { value: "4.5" } });
    expect(screen.getByRole("alert").textContent).toBe("Enter a whole number");
    fireEvent.change(input("Random State"), { target: { value: "-1" } });
    expect(screen.getByRole("alert").textContent).toBe("Must be at least 0");
    // An optional number can be emptied (null); Reset puts the default back by removing the key.
    fireEvent.change(input("Random State"), { target: { value: "" } });
    expect(onChange).toHaveBeenLastCalledWith({ test_size: 0.25, random_state: null });
    fireEvent.click(screen.getByRole("button", { name: "Reset Random State to its default" }));
    expect(onChange).toHaveBeenLastCalledWith({ test_size: 0.25 });
    expect(input("Random State").value).toBe("42");
  });

  it("edits a target column with a picker of the input columns", () => {
    const onChange = vi.fn();
    render(<Stateful id="TrainTestSplitter" onChange={onChange} />);
    fireEvent.change(screen.getByRole("combobox", { name: "Target Column" }), { target: { value: "churned" } });
    expect(onChange).toHaveBeenLastCalledWith({ target_column: "churned" });
  });

  it("picks several columns, and an empty choice of an all-columns default goes back to null", () => {
    const onChange = vi.fn();
    render(<Stateful id="StandardScaler" onChange={onChange} />);
    const group = screen.getByRole("group", { name: "Columns" });
    fireEvent.click(within(group).getByRole("checkbox", { name: /^age/ }));
    expect(onChange).toHaveBeenLastCalledWith({ columns: ["age"] });
    fireEvent.click(within(group).getByRole("checkbox", { name: /^age/ }));
    expect(onChange).toHaveBeenLastCalledWith({ columns: null });
  });

  it("keeps an unknown column already in the value, as a warning", () => {
    render(<Stateful id="StandardScaler" initial={{ columns: ["age", "monthly_spend"] }} onChange={() => {}} />);
    expect(screen.getByText("Not in this node's input: monthly_spend")).toBeTruthy();
  });

  it("edits maps keyed by column (custom bins) with a list of numbers per column", () => {
    const onChange = vi.fn();
    render(<Stateful id="GeneralBinning" onChange={onChange} />);
    const bins = screen.getByRole("group", { name: "Custom Bins" });
    fireEvent.click(within(bins).getByRole("button", { name: "Add column" }));
    expect(onChange).toHaveBeenLastCalledWith({ custom_bins: { age: [] } });
    fireEvent.click(within(bins).getByRole("button", { name: "Add custom bins for age item" }));
    expect(onChange).toHaveBeenLastCalledWith({ custom_bins: { age: [0] } });
    fireEvent.change(within(bins).getByLabelText("Custom Bins for age item 1"), { target: { value: "18.5" } });
    expect(onChange).toHaveBeenLastCalledWith({ custom_bins: { age: [18.5] } });
    fireEvent.change(within(bins).getByRole("combobox", { name: "Custom Bins: column 1" }), { target: { value: "income" } });
    expect(onChange).toHaveBeenLastCalledWith({ custom_bins: { income: [18.5] } });
  });

  it("edits lists of nested objects whose column fields are pickers (feature generation)", () => {
    const onChange = vi.fn();
    render(<Stateful id="FeatureGeneration" onChange={onChange} />);
    fireEvent.click(screen.getByRole("button", { name: "Add operation" }));
    const first = onChange.mock.lastCall?.[0] as { operations: Record<string, unknown>[] };
    expect(first.operations).toHaveLength(1);
    const operation = screen.getByRole("group", { name: "Operation 1" });
    fireEvent.change(within(operation).getByRole("combobox", { name: "Operation Type" }), { target: { value: "1" } });
    expect(onChange).toHaveBeenLastCalledWith({ operations: [{ operation_type: "ratio" }] });
    const inputs = within(operation).getByRole("group", { name: "Input Columns" });
    fireEvent.click(within(inputs).getByRole("checkbox", { name: /^income/ }));
    expect(onChange).toHaveBeenLastCalledWith({ operations: [{ operation_type: "ratio", input_columns: ["income"] }] });
    fireEvent.change(within(operation).getByLabelText("Output Column"), { target: { value: "income_ratio" } });
    expect(onChange).toHaveBeenLastCalledWith({
      operations: [{ operation_type: "ratio", input_columns: ["income"], output_column: "income_ratio" }],
    });
    fireEvent.click(screen.getByRole("button", { name: "Remove Operation 1" }));
    expect(onChange).toHaveBeenLastCalledWith({ operations: [] });
  });

  it("edits a discriminated list (text cleaning operations) by choosing each item's kind", () => {
    const onChange = vi.fn();
    render(<Stateful id="TextCleaning" onChange={onChange} />);
    fireEvent.click(screen.getByRole("button", { name: "Add operation" }));
    expect(onChange).toHaveBeenLastCalledWith({ operations: [{ op: "trim" }] });
    const kind = screen.getByRole("combobox", { name: "Operation 1: kind" });
    expect(within(kind).getAllByRole("option").map((o) => o.textContent)).toEqual(["trim", "case", "remove_special", "regex"]);
    fireEvent.change(kind, { target: { value: "1" } });
    expect(onChange).toHaveBeenLastCalledWith({ operations: [{ op: "case" }] });
    fireEvent.change(screen.getByRole("combobox", { name: "Mode" }), { target: { value: "1" } });
    expect(onChange).toHaveBeenLastCalledWith({ operations: [{ op: "case", mode: "upper" }] });
  });

  it("edits unions such as a named choice or a number (max features)", () => {
    const onChange = vi.fn();
    render(<Stateful id="random_forest_classifier" onChange={onChange} />);
    const kind = screen.getByRole("combobox", { name: "Max Features: kind" });
    expect((screen.getByRole("combobox", { name: "Max Features: value" }) as HTMLSelectElement).value).toBe("0");
    fireEvent.change(kind, { target: { value: "1" } });
    expect(onChange).toHaveBeenLastCalledWith({ max_features: 0 });
    fireEvent.change(input("Max Features: value"), { target: { value: "0.5" } });
    expect(onChange).toHaveBeenLastCalledWith({ max_features: 0.5 });
    fireEvent.change(kind, { target: { value: "__none__" } });
    expect(onChange).toHaveBeenLastCalledWith({ max_features: null });
  });

  it("edits tuples (feature range) and choice lists (date features) with their rules", () => {
    const onChange = vi.fn();
    render(<Stateful id="MinMaxScaler" onChange={onChange} />);
    fireEvent.change(input("Feature Range to"), { target: { value: "10" } });
    expect(onChange).toHaveBeenLastCalledWith({ feature_range: [0, 10] });
    cleanup();

    const onDates = vi.fn();
    render(<Stateful id="DateFeatures" initial={{ features: ["year"] }} onChange={onDates} />);
    const features = screen.getByRole("group", { name: "Features" });
    fireEvent.click(within(features).getByRole("checkbox", { name: "year" }));
    expect(screen.getByRole("alert").textContent).toBe("Choose at least 1");
    expect(onDates).not.toHaveBeenCalled();
    fireEvent.click(within(features).getByRole("checkbox", { name: "quarter" }));
    expect(onDates).toHaveBeenLastCalledWith({ features: ["year", "quarter"] });
  });

  it("shows server errors next to their field, lists stray ones, and focuses the asked field", () => {
    render(
      <Stateful
        id="TrainTestSplitter"
        onChange={() => {}}
        errors={{ target_column: "column 'label' is not in the dataset", type: "unknown node type" }}
        focusField="target_column"
      />,
    );
    const target = screen.getByRole("combobox", { name: "Target Column" });
    expect(document.activeElement).toBe(target);
    const described = (target.getAttribute("aria-describedby") ?? "").split(" ").map((id) => document.getElementById(id)?.textContent);
    expect(described).toContain("column 'label' is not in the dataset");
    expect(screen.getAllByRole("alert").map((a) => a.textContent)).toContain("unknown node type");
  });

  it("puts an error on a nested parameter (pydantic's dotted location) next to that field and focuses it", () => {
    render(
      <Stateful
        id="FeatureGeneration"
        initial={{ operations: [{ operation_type: "ratio", input_columns: ["income"] }] }}
        onChange={() => {}}
        errors={{ "operations.0.output_column": "output_column 'age' already exists" }}
        focusField="operations.0.output_column"
      />,
    );
    const output = screen.getByLabelText("Output Column");
    expect(document.activeElement).toBe(output);
    expect(output.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByRole("alert").textContent).toBe("output_column 'age' already exists");
  });

  it("disables every control when read-only", () => {
    render(<Stateful id="OneHotEncoder" onChange={() => {}} readOnly />);
    expect(input("Max Categories").disabled).toBe(false);
    // Disabled through the enclosing fieldset, as the browser does it.
    expect(input("Max Categories").matches(":disabled")).toBe(true);
  });
});
