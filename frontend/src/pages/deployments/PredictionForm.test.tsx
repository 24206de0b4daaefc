// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SignatureInput } from "../../api/contracts";
import { PredictionForm } from "./PredictionForm";
import { buildRow, fieldType } from "./predictionForm";

afterEach(cleanup);

const INPUTS: SignatureInput[] = [
  { name: "age", kind: "float", dtype: "Float64" },
  { name: "tenure_months", kind: "integer", dtype: "Int64" },
  { name: "city", kind: "string", dtype: "String" },
  { name: "member", kind: "boolean", dtype: "Boolean" },
  { name: "signup_date", kind: "datetime", dtype: "Datetime" },
];

describe("fieldType", () => {
  it("follows the signature's kind, else the dtype", () => {
    expect(INPUTS.map(fieldType)).toEqual(["number", "number", "text", "boolean", "text"]);
    expect(fieldType({ name: "x", dtype: "int64" })).toBe("number");
    expect(fieldType({ name: "x", dtype: "object" })).toBe("text");
  });
});

describe("PredictionForm", () => {
  it("has one labelled field per input column, typed by kind, prefilled from an example row", () => {
    render(
      <PredictionForm inputs={INPUTS} example={{ age: 37, tenure_months: 32, city: "Phoenix", churned: 0 }} onSubmit={() => {}} />,
    );
    const age = screen.getByLabelText("age") as HTMLInputElement;
    expect(age.type).toBe("number");
    expect(age.value).toBe("37");
    expect((screen.getByLabelText("tenure_months") as HTMLInputElement).type).toBe("number");
    const city = screen.getByLabelText("city") as HTMLInputElement;
    expect(city.type).toBe("text");
    expect(city.value).toBe("Phoenix");
    expect(screen.getByLabelText("member").tagName).toBe("SELECT");
    expect((screen.getByLabelText("signup_date") as HTMLInputElement).value).toBe("");
    expect(screen.queryByLabelText("churned")).toBeNull();
  });

  it("submits one row with numbers parsed and empty fields as null", () => {
    const onSubmit = vi.fn();
    render(<PredictionForm inputs={INPUTS} onSubmit={onSubmit} />);
    fireEvent.change(screen.getByLabelText("age"), { target: { value: "41.5" } });
    fireEvent.change(screen.getByLabelText("tenure_months"), { target: { value: "12" } });
    fireEvent.change(screen.getByLabelText("city"), { target: { value: "Denver" } });
    fireEvent.change(screen.getByLabelText("member"), { target: { value: "true" } });
    fireEvent.click(screen.getByRole("button", { name: "Predict" }));
    expect(onSubmit).toHaveBeenCalledWith({ age: 41.5, tenure_months: 12, city: "Denver", member: true, signup_date: null });
  });

  it("keeps text the server should judge (a non-number in a number column goes as typed)", () => {
    expect(buildRow([{ name: "age", kind: "float", dtype: "Float64" }], { age: "abc" })).toEqual({ age: "abc" });
  });
});
