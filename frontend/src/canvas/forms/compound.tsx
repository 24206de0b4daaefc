// Editors for parameters made of other values: lists (of numbers, texts or objects such as the
// feature-generation operations), fixed-length tuples (ranges), nested objects, maps keyed by a
// column or a value (custom bins, casting types, replacement mappings), choice lists, and unions
// (`anyOf`/`oneOf`, e.g. "auto" or a number, or the text-cleaning operation kinds).
import type { ReactNode } from "react";
import { ColumnPicker } from "./ColumnPicker";
import { Field, type EditorProps } from "./fields";
import { branchLabel, fieldSpec, fitsBranch, helpText, initialValue, resolveRef, sameJson, type JsonSchema } from "./schema";

function Group({ id, label, spec, describedBy, children }: EditorProps & { children: ReactNode }) {
  const description = helpText(spec.schema);
  return (
    <fieldset className="field-group" id={`${id}-group`} aria-describedby={describedBy}>
      <legend>{label}</legend>
      {description !== undefined && (
        <p id={`${id}-help`} className="field-help">
          {description}
        </p>
      )}
      {children}
    </fieldset>
  );
}

export function EnumListEditor(p: EditorProps) {
  const items = resolveRef(p.spec.schema.items ?? {}, p.ctx.root);
  const options = items.enum ?? [];
  const selected = Array.isArray(p.value) ? p.value : [];
  const min = p.spec.schema.minItems ?? 0;
  const toggle = (option: unknown, on: boolean) => {
    const next = on ? options.filter((o) => o === option || selected.includes(o)) : selected.filter((o) => o !== option);
    if (next.length < min) {
      p.setProblem(`Choose at least ${min}`);
      return;
    }
    p.setProblem(null);
    p.onChange(next);
  };
  return (
    <Group {...p}>
      <div className="field-choices">
        {options.map((o, i) => (
          <label key={String(o)} className="field-check">
            <input
              id={i === 0 ? p.id : undefined}
              type="checkbox"
              checked={selected.includes(o)}
              onChange={(e) => toggle(o, e.target.checked)}
            />
            {String(o)}
          </label>
        ))}
      </div>
    </Group>
  );
}

export function TupleEditor(p: EditorProps) {
  const parts = p.spec.schema.prefixItems ?? [];
  const current = Array.isArray(p.value) ? p.value : parts.map((s) => initialValue(s, p.ctx.root));
  const names = parts.length === 2 ? ["from", "to"] : parts.map((_, i) => `${i + 1}`);
  return (
    <Group {...p}>
      <div className="field-row">
        {parts.map((part, i) => (
          <Field
            key={i}
            name={`${p.name}_${i}`}
            path={`${p.path}.${i}`}
            schema={part}
            label={`${p.label} ${names[i] ?? i + 1}`}
            value={current[i]}
            ctx={p.ctx}
            onChange={(v) => p.onChange(current.map((old, j) => (j === i ? v : old)))}
          />
        ))}
      </div>
    </Group>
  );
}

export function ListEditor(p: EditorProps) {
  const itemSchema: JsonSchema = p.spec.schema.items ?? {};
  const list = Array.isArray(p.value) ? p.value : [];
  const { minItems = 0, maxItems } = p.spec.schema;
  const itemLabel = p.label.endsWith("s") ? p.label.slice(0, -1) : `${p.label} item`;
  // Plain values (numbers, texts) sit on one line with their buttons; objects stack.
  const itemKind = fieldSpec(p.name, itemSchema, p.ctx.root).kind;
  const compact = !["object", "union", "list", "map", "tuple", "columns", "enum-list"].includes(itemKind);
  const set = (next: unknown[]) => p.onChange(next);
  return (
    <Group {...p}>
      {list.length === 0 && <p className="field-help">None yet.</p>}
      <ol className="field-list">
        {list.map((item, i) => (
          <li key={i} className={compact ? "field-list-compact" : undefined}>
            <Field
              name={p.name}
              path={`${p.path}.${i}`}
              schema={itemSchema}
              label={`${itemLabel} ${i + 1}`}
              value={item}
              ctx={p.ctx}
              onChange={(v) => set(list.map((old, j) => (j === i ? v : old)))}
            />
            <div className="field-list-actions">
              <button type="button" disabled={i === 0} onClick={() => set(swap(list, i, i - 1))} aria-label={`Move ${itemLabel} ${i + 1} up`}>
                ↑
              </button>
              <button type="button" disabled={i === list.length - 1} onClick={() => set(swap(list, i, i + 1))} aria-label={`Move ${itemLabel} ${i + 1} down`}>
                ↓
              </button>
              <button type="button" disabled={list.length <= minItems} onClick={() => set(list.filter((_, j) => j !== i))} aria-label={`Remove ${itemLabel} ${i + 1}`}>
                Remove
              </button>
            </div>
          </li>
        ))}
      </ol>
      <button type="button" disabled={maxItems !== undefined && list.length >= maxItems} onClick={() => set([...list, initialValue(itemSchema, p.ctx.root)])}>
        Add {itemLabel.toLowerCase()}
      </button>
    </Group>
  );
}

function swap(list: unknown[], a: number, b: number): unknown[] {
  const next = [...list];
  [next[a], next[b]] = [next[b], next[a]];
  return next;
}

export function ObjectEditor(p: EditorProps) {
  const obj = isRecord(p.value) ? p.value : {};
  const properties = p.spec.schema.properties ?? {};
  return (
    <Group {...p}>
      {Object.entries(properties).map(([key, prop]) => {
        const resolved = resolveRef(prop, p.ctx.root);
        // A constant inside a nested object is a union's tag (the operation kind): its chooser shows it.
        if (resolved.const !== undefined) return null;
        const present = key in obj;
        const value = present ? obj[key] : resolved.default;
        return (
          <Field
            key={key}
            name={key}
            path={`${p.path}.${key}`}
            schema={prop}
            value={value}
            ctx={p.ctx}
            onChange={(v) => p.onChange({ ...obj, [key]: v })}
            onReset={present && resolved.default !== undefined && !sameJson(obj[key], resolved.default) ? () => p.onChange(omit(obj, key)) : undefined}
          />
        );
      })}
    </Group>
  );
}

export function MapEditor(p: EditorProps) {
  const obj = isRecord(p.value) ? p.value : {};
  const valueSchema = typeof p.spec.schema.additionalProperties === "object" ? p.spec.schema.additionalProperties : {};
  const entries = Object.entries(obj);
  const keyWord = p.spec.columnKeys ? "column" : "key";
  const rename = (from: string, to: string) => {
    if (to === from) return;
    if (to in obj) {
      p.setProblem(`"${to}" is already listed`);
      return;
    }
    p.setProblem(null);
    p.onChange(Object.fromEntries(entries.map(([k, v]) => [k === from ? to : k, v])));
  };
  const freeColumn = p.ctx.columns.find((c) => !(c.name in obj))?.name;
  const newKey = p.spec.columnKeys && freeColumn !== undefined ? freeColumn : "";
  return (
    <Group {...p}>
      {entries.length === 0 && <p className="field-help">No entries.</p>}
      <ul className="field-list">
        {entries.map(([key, v], i) => {
          const keyId = `${p.id}-key-${i}`;
          return (
            <li key={i} className="field-map-entry">
              {p.spec.columnKeys ? (
                <ColumnPicker
                  id={keyId}
                  label={`${p.label}: column ${i + 1}`}
                  columns={p.ctx.columns}
                  multiple={false}
                  value={key === "" ? null : key}
                  onChange={(next) => rename(key, typeof next === "string" ? next : "")}
                />
              ) : (
                <div className="field">
                  <label htmlFor={keyId}>{`${p.label}: key ${i + 1}`}</label>
                  <input id={keyId} type="text" value={key} onChange={(e) => rename(key, e.target.value)} />
                </div>
              )}
              <Field
                name={p.name}
                path={`${p.path}.${key}`}
                schema={valueSchema}
                label={`${p.label} for ${key === "" ? `${keyWord} ${i + 1}` : key}`}
                value={v}
                ctx={p.ctx}
                onChange={(next) => p.onChange({ ...obj, [key]: next })}
              />
              <button type="button" onClick={() => p.onChange(omit(obj, key))} aria-label={`Remove ${key === "" ? `entry ${i + 1}` : key}`}>
                Remove
              </button>
            </li>
          );
        })}
      </ul>
      <button type="button" disabled={newKey in obj} onClick={() => p.onChange({ ...obj, [newKey]: initialValue(valueSchema, p.ctx.root) })}>
        Add {keyWord}
      </button>
    </Group>
  );
}

const NONE = "__none__";

export function UnionEditor(p: EditorProps) {
  const { branches, nullable } = p.spec;
  const index = p.value === null || p.value === undefined ? -1 : branches.findIndex((b) => fitsBranch(p.value, b));
  // A number that fits no branch's bounds still belongs to the first numeric branch, to be corrected.
  const shownIndex = index >= 0 ? index : p.value === null || p.value === undefined ? -1 : branches.findIndex((b) => typeof p.value === (b.type === "integer" ? "number" : b.type));
  const branch = shownIndex >= 0 ? branches[shownIndex] : undefined;
  const kindId = `${p.id}-kind`;
  return (
    <Group {...p}>
      <div className="field">
        <label htmlFor={kindId}>{`${p.label}: kind`}</label>
        <select
          id={kindId}
          value={shownIndex < 0 ? NONE : String(shownIndex)}
          onChange={(e) => {
            if (e.target.value === NONE) p.onChange(null);
            else {
              const chosen = branches[Number(e.target.value)];
              if (chosen !== undefined) p.onChange(initialValue(chosen, p.ctx.root));
            }
          }}
        >
          {(nullable || shownIndex < 0) && <option value={NONE}>none</option>}
          {branches.map((b, i) => (
            <option key={i} value={String(i)}>
              {branchTag(b)}
            </option>
          ))}
        </select>
      </div>
      {branch !== undefined && branch.const === undefined && <UnionValue {...p} branch={branch} />}
    </Group>
  );
}

function UnionValue(p: EditorProps & { branch: JsonSchema }) {
  // Same path (so a nested object's fields keep theirs), its own ids, and the union's own error
  // shown once, by the union.
  const { [p.path]: _shownAbove, ...errors } = p.ctx.errors;
  const idFor = (path: string) => p.ctx.idFor(path === p.path ? `${path}.value` : path);
  return (
    <Field
      name={p.name}
      path={p.path}
      schema={p.branch}
      label={`${p.label}: value`}
      value={p.value}
      ctx={{ ...p.ctx, errors, idFor }}
      onChange={p.onChange}
    />
  );
}

/** A union branch named by its discriminator constant (e.g. an operation's "op"), else by type. */
function branchTag(b: JsonSchema): string {
  const tag = Object.values(b.properties ?? {}).find((prop) => prop.const !== undefined);
  return tag !== undefined ? String(tag.const) : branchLabel(b);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function omit(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _removed, ...rest } = obj;
  return rest;
}
