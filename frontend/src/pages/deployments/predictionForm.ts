// The prediction form is generated from a model version's input signature: one field per input
// column, a number field for numeric columns and a text field otherwise.

import type { SignatureInput } from "../../api/contracts";

export type FieldType = "number" | "boolean" | "text";

export function fieldType(input: SignatureInput): FieldType {
  const kind = input.kind;
  if (kind === "integer" || kind === "float") return "number";
  if (kind === "boolean") return "boolean";
  if (kind === "string" || kind === "datetime") return "text";
  const dtype = input.dtype.toLowerCase();
  if (/^(u?int|float|double|decimal)/.test(dtype)) return "number";
  if (dtype.startsWith("bool")) return "boolean";
  return "text";
}

/** The form's starting values: from a dataset row when one is given, else empty. */
export function initialValues(inputs: SignatureInput[], row?: Record<string, unknown> | null): Record<string, string> {
  const values: Record<string, string> = {};
  for (const input of inputs) {
    const v = row?.[input.name];
    values[input.name] = v === null || v === undefined ? "" : String(v);
  }
  return values;
}

/** One request row from the form's text values: numbers parsed, booleans as true/false, empty as null. */
export function buildRow(inputs: SignatureInput[], values: Record<string, string>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const input of inputs) {
    const raw = (values[input.name] ?? "").trim();
    const type = fieldType(input);
    if (raw === "") row[input.name] = null;
    else if (type === "number") row[input.name] = Number.isFinite(Number(raw)) ? Number(raw) : raw;
    else if (type === "boolean") row[input.name] = raw === "true";
    else row[input.name] = raw;
  }
  return row;
}
