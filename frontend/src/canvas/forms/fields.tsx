// One parameter's editor, chosen from its schema (see schema.ts `fieldSpec`), with its label, help
// text and error. Scalar editors live here; lists, tuples, objects, maps and unions in compound.tsx.
import { useEffect, useState, type ReactNode } from "react";
import { ColumnPicker, type ColumnInfo } from "./ColumnPicker";
import { EnumListEditor, ListEditor, MapEditor, ObjectEditor, TupleEditor, UnionEditor } from "./compound";
import { RunModeEditor, TuningEditor } from "./tuning";
import { fieldSpec, helpText, labelOf, numberProblem, sameJson, type FieldSpec, type JsonSchema } from "./schema";

export interface FormContext {
  root: JsonSchema;
  columns: ColumnInfo[];
  errors: Record<string, string>;
  /** The DOM id of a field's control, from its dotted path. */
  idFor(path: string): string;
}

export interface FieldProps {
  name: string;
  path: string;
  schema: JsonSchema;
  value: unknown;
  onChange(next: unknown): void;
  ctx: FormContext;
  label?: string;
  /** Puts the value back to the schema's default (shown when the value differs from it). */
  onReset?: () => void;
}

export interface EditorProps {
  id: string;
  label: string;
  spec: FieldSpec;
  path: string;
  name: string;
  value: unknown;
  onChange(next: unknown): void;
  ctx: FormContext;
  /** Ids of the help and error texts, for aria-describedby. */
  describedBy: string | undefined;
  invalid: boolean;
  /** Reports a value the editor refused (out of bounds, not a number), or null. */
  setProblem(message: string | null): void;
}

export function Field(props: FieldProps) {
  const { name, path, schema, value, onChange, ctx, onReset } = props;
  const spec = fieldSpec(name, schema, ctx.root);
  const label = props.label ?? labelOf(name, spec.schema);
  const id = ctx.idFor(path);
  const [problem, setProblem] = useState<string | null>(null);
  const message = problem ?? ctx.errors[path] ?? null;
  const description = helpText(spec.schema);
  const helpId = description !== undefined ? `${id}-help` : undefined;
  const errorId = message !== null ? `${id}-error` : undefined;
  const describedBy = [helpId, errorId].filter(Boolean).join(" ") || undefined;
  const editor: EditorProps = {
    id, label, spec, path, name, value, onChange, ctx, describedBy, invalid: message !== null, setProblem,
  };
  // Grouped editors carry their own <legend>; single controls get a <label>.
  const grouped = ["columns", "enum-list", "tuple", "list", "object", "map", "union", "run-mode", "tuning"].includes(spec.kind);
  const ownLabel = spec.kind === "column" || spec.kind === "boolean" || grouped;
  return (
    <div className={`field field-${spec.kind}`} id={`${id}-field`} data-field={path}>
      {!ownLabel && <label htmlFor={id}>{label}</label>}
      {renderEditor(editor)}
      {description !== undefined && !grouped && (
        <p id={helpId} className="field-help">
          {description}
        </p>
      )}
      {message !== null && (
        <p id={errorId} className="field-error" role="alert">
          {message}
        </p>
      )}
      {onReset !== undefined && (
        <button type="button" className="field-reset" onClick={onReset} aria-label={`Reset ${label} to its default`}>
          Reset
        </button>
      )}
    </div>
  );
}

function renderEditor(p: EditorProps): ReactNode {
  switch (p.spec.kind) {
    case "const":
      return <input id={p.id} type="text" readOnly value={String(p.spec.schema.const)} aria-describedby={p.describedBy} />;
    case "enum":
      return <EnumEditor {...p} />;
    case "boolean":
      return (
        <label className="field-check">
          <input
            id={p.id}
            type="checkbox"
            checked={p.value === true}
            aria-describedby={p.describedBy}
            onChange={(e) => p.onChange(e.target.checked)}
          />
          {p.label}
        </label>
      );
    case "integer":
    case "number":
      return <NumberEditor {...p} />;
    case "string":
      return <TextEditor {...p} />;
    case "column":
    case "columns":
      return <ColumnEditor {...p} />;
    case "enum-list":
      return <EnumListEditor {...p} />;
    case "tuple":
      return <TupleEditor {...p} />;
    case "list":
      return <ListEditor {...p} />;
    case "object":
      return <ObjectEditor {...p} />;
    case "map":
      return <MapEditor {...p} />;
    case "union":
      return <UnionEditor {...p} />;
    case "json":
      return <JsonEditor {...p} />;
    case "run-mode":
      return <RunModeEditor {...p} />;
    case "tuning":
      return <TuningEditor {...p} />;
  }
}

const NONE = "__none__";

function EnumEditor({ id, spec, value, onChange, describedBy, invalid }: EditorProps) {
  const options = spec.schema.enum ?? [];
  const index = options.findIndex((o) => sameJson(o, value));
  return (
    <select
      id={id}
      value={value === null || index < 0 ? NONE : String(index)}
      aria-describedby={describedBy}
      aria-invalid={invalid || undefined}
      onChange={(e) => onChange(e.target.value === NONE ? null : options[Number(e.target.value)])}
    >
      {(spec.nullable || index < 0) && <option value={NONE}>— none —</option>}
      {options.map((o, i) => (
        <option key={String(o)} value={String(i)}>
          {String(o)}
        </option>
      ))}
    </select>
  );
}

/** Keeps what the person typed until it is a valid number; only valid numbers reach onChange. */
function NumberEditor({ id, spec, value, onChange, describedBy, invalid, setProblem }: EditorProps) {
  const integer = spec.kind === "integer";
  const shown = typeof value === "number" ? String(value) : "";
  const [draft, setDraft] = useState<string | null>(null);
  useEffect(() => {
    // A change from outside (undo, another node selected) replaces an unfinished draft.
    setDraft((d) => (d !== null && d.trim() !== "" && Number(d) === value ? d : null));
    setProblem(null);
  }, [value, setProblem]);
  const s = spec.schema;
  return (
    <input
      id={id}
      type="number"
      inputMode={integer ? "numeric" : "decimal"}
      min={s.minimum ?? s.exclusiveMinimum}
      max={s.maximum ?? s.exclusiveMaximum}
      step={integer ? 1 : "any"}
      placeholder={spec.nullable ? "none" : undefined}
      value={draft ?? shown}
      aria-describedby={describedBy}
      aria-invalid={invalid || undefined}
      onChange={(e) => {
        const text = e.target.value;
        setDraft(text);
        if (text.trim() === "") {
          if (spec.nullable) {
            setProblem(null);
            onChange(null);
          } else setProblem("A value is required");
          return;
        }
        const parsed = Number(text);
        const problem = numberProblem(parsed, s, integer);
        setProblem(problem);
        if (problem === null && parsed !== value) onChange(parsed);
      }}
    />
  );
}

function TextEditor({ id, spec, value, onChange, describedBy, invalid, setProblem }: EditorProps) {
  const s = spec.schema;
  return (
    <input
      id={id}
      type="text"
      value={typeof value === "string" ? value : ""}
      placeholder={spec.nullable ? "none" : undefined}
      aria-describedby={describedBy}
      aria-invalid={invalid || undefined}
      onChange={(e) => {
        const text = e.target.value;
        if (text === "" && spec.nullable) {
          setProblem(null);
          onChange(null);
          return;
        }
        if (s.minLength !== undefined && text.length < s.minLength) {
          setProblem(`At least ${s.minLength} character${s.minLength === 1 ? "" : "s"}`);
          return;
        }
        if (s.maxLength !== undefined && text.length > s.maxLength) {
          setProblem(`At most ${s.maxLength} characters`);
          return;
        }
        setProblem(null);
        onChange(text);
      }}
    />
  );
}

function ColumnEditor({ id, label, spec, value, onChange, ctx, describedBy, invalid }: EditorProps) {
  const multiple = spec.kind === "columns";
  const current = multiple
    ? Array.isArray(value)
      ? value.filter((v): v is string => typeof v === "string")
      : null
    : typeof value === "string" && value !== ""
      ? value
      : null;
  const description = helpText(spec.schema);
  const emptyMeansAll = multiple && spec.nullable && spec.schema.default === null;
  return (
    <ColumnPicker
      id={id}
      label={label}
      columns={ctx.columns}
      multiple={multiple}
      value={current}
      describedBy={describedBy}
      invalid={invalid}
      description={emptyMeansAll ? [description, "None selected: every column the node applies to."].filter(Boolean).join(" ") : description}
      onChange={(v) => {
        if (multiple) {
          const list = Array.isArray(v) ? v : v === null ? [] : [v];
          onChange(list.length === 0 && spec.nullable ? null : list);
        } else {
          onChange(typeof v === "string" ? v : spec.nullable ? null : "");
        }
      }}
    />
  );
}

function JsonEditor({ id, value, onChange, describedBy, invalid, setProblem }: EditorProps) {
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <textarea
      id={id}
      rows={3}
      value={draft ?? JSON.stringify(value ?? null)}
      aria-describedby={describedBy}
      aria-invalid={invalid || undefined}
      onChange={(e) => {
        setDraft(e.target.value);
        try {
          onChange(JSON.parse(e.target.value));
          setProblem(null);
        } catch {
          setProblem("Not valid JSON");
        }
      }}
      onBlur={() => setDraft(null)}
    />
  );
}
