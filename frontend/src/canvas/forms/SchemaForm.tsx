// A node's parameter form, generated from the JSON Schema the node catalog serves. A parameter
// absent from `value` takes its schema default (shown in the field); "Reset" removes it again.
// `errors` (keyed by parameter name, or a dotted path into nested values) render next to their
// field; a new `focusField` moves the keyboard focus to that field (a click in the problems list).
import { useEffect, useId, useMemo } from "react";
import type { ColumnInfo } from "./ColumnPicker";
import { Field, type FormContext } from "./fields";
import "./forms.css";
import { resolveRef, sameJson, type JsonSchema } from "./schema";

export interface SchemaFormProps {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange(next: Record<string, unknown>): void;
  columns: ColumnInfo[];
  errors?: Record<string, string>;
  focusField?: string;
  readOnly?: boolean;
}

const NO_ERRORS: Record<string, string> = {};

/** The DOM id of a field's control: the form's own prefix and the field's dotted path. */
function fieldId(prefix: string, path: string): string {
  return `${prefix}-${path}`;
}

export function SchemaForm({ schema, value, onChange, columns, errors = NO_ERRORS, focusField, readOnly = false }: SchemaFormProps) {
  const prefix = useId();
  const ctx = useMemo<FormContext>(
    () => ({ root: schema, columns, errors, idFor: (path: string) => fieldId(prefix, path) }),
    [schema, columns, errors, prefix],
  );
  const properties = Object.entries(schema.properties ?? {});
  // Errors that name no field of this form (the node's type, an unknown parameter) are listed on top.
  const stray = Object.entries(errors).filter(([path]) => !properties.some(([key]) => path === key || path.startsWith(`${key}.`)));

  // Only a change of focusField moves the focus: new errors or columns on a re-render must not
  // pull it away from where the person is typing.
  useEffect(() => {
    if (focusField === undefined || focusField === "") return;
    const idFor = (path: string) => fieldId(prefix, path);
    // The field's own control, else the first control of its group (a list, a map), else of the
    // top-level parameter that holds it.
    const own = document.getElementById(idFor(focusField));
    const container =
      document.getElementById(`${idFor(focusField)}-field`) ??
      document.getElementById(`${idFor(focusField.split(".")[0] ?? "")}-field`);
    const control = own ?? container?.querySelector<HTMLElement>("input, select, textarea, button");
    control?.focus();
    control?.scrollIntoView?.({ block: "nearest" });
  }, [focusField, prefix]);

  if (properties.length === 0) {
    return <p className="field-help">This node has no parameters.</p>;
  }

  return (
    <fieldset className="schema-form" disabled={readOnly}>
      <legend className="visually-hidden">Parameters</legend>
      {stray.length > 0 && (
        <ul className="field-error" role="alert">
          {stray.map(([path, message]) => (
            <li key={path}>{message}</li>
          ))}
        </ul>
      )}
      {properties.map(([key, prop]) => {
        // A model's tuning settings matter only once it is set to tune.
        if (key === "tuning_config" && value.run_mode !== "tuned") return null;
        const fallback = resolveRef(prop, schema).default;
        const present = key in value;
        return (
          <Field
            key={key}
            name={key}
            path={key}
            schema={prop}
            value={present ? value[key] : fallback}
            ctx={ctx}
            onChange={(next) => onChange(withTuning({ ...value, [key]: next }, key))}
            onReset={
              present && fallback !== undefined && !sameJson(value[key], fallback) && !readOnly
                ? () => {
                    const { [key]: _dropped, ...rest } = value;
                    onChange(rest);
                  }
                : undefined
            }
          />
        );
      })}
    </fieldset>
  );
}

/** Switching a model to "Tune" starts its tuning settings from the schema's defaults (an empty object). */
function withTuning(next: Record<string, unknown>, changed: string): Record<string, unknown> {
  if (changed !== "run_mode" || next.run_mode !== "tuned") return next;
  const config = next.tuning_config;
  return typeof config === "object" && config !== null ? next : { ...next, tuning_config: {} };
}
