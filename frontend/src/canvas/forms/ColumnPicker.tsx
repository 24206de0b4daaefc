// Picks one or several of the columns that flow into a node: searchable, each with its dtype, with a
// numeric/categorical filter and select-all for the shown columns. A name in the value that is not
// among the columns (renamed or dropped upstream) stays in the value and is shown as a warning; the
// person removes it. With no columns known (no dataset yet) the names are typed instead.
import { useMemo, useState } from "react";
import { isCategoricalDtype, isNumericDtype } from "./schema";
import "./forms.css";

export interface ColumnInfo {
  name: string;
  dtype: string;
}

export type ColumnFilter = "numeric" | "categorical" | "any";

export interface ColumnPickerProps {
  id: string;
  label: string;
  columns: ColumnInfo[];
  multiple: boolean;
  value: string | string[] | null;
  onChange(v: string | string[] | null): void;
  filter?: ColumnFilter;
  /** Help text under the label. */
  description?: string;
  readOnly?: boolean;
  invalid?: boolean;
  /** Ids of elements that describe the control (help, error). */
  describedBy?: string;
}

/** Up to this many columns, the list is short enough to read without search or filter. */
const TOOLS_FROM = 6;

function matchesFilter(column: ColumnInfo, filter: ColumnFilter): boolean {
  if (filter === "numeric") return isNumericDtype(column.dtype);
  if (filter === "categorical") return isCategoricalDtype(column.dtype);
  return true;
}

function asList(value: string | string[] | null): string[] {
  if (value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function ColumnPicker(props: ColumnPickerProps) {
  const { id, label, columns, multiple, value, onChange, readOnly = false } = props;
  const [query, setQuery] = useState("");
  const [filter, setFilter] = useState<ColumnFilter>(props.filter ?? "any");
  const selected = asList(value);
  const known = useMemo(() => new Set(columns.map((c) => c.name)), [columns]);
  const unknown = selected.filter((name) => !known.has(name));
  const shown = columns.filter(
    (c) => matchesFilter(c, filter) && c.name.toLowerCase().includes(query.trim().toLowerCase()),
  );
  const warningId = `${id}-unknown`;
  const describedBy = [props.describedBy, unknown.length > 0 ? warningId : undefined].filter(Boolean).join(" ") || undefined;

  const warning =
    unknown.length > 0 ? (
      <p id={warningId} className="picker-warning" role="status">
        Not in this node's input: {unknown.join(", ")}
      </p>
    ) : null;

  if (columns.length === 0) {
    // No schema flows in yet: names are typed, comma-separated for several.
    return (
      <div className="picker">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          type="text"
          value={selected.join(", ")}
          readOnly={readOnly}
          aria-invalid={props.invalid || undefined}
          aria-describedby={[props.describedBy, `${id}-typed`].filter(Boolean).join(" ")}
          placeholder={multiple ? "column_a, column_b" : "column name"}
          onChange={(e) => {
            const names = e.target.value.split(",").map((n) => n.trim()).filter((n) => n !== "");
            if (multiple) onChange(names);
            else onChange(names[0] ?? null);
          }}
        />
        <p id={`${id}-typed`} className="field-help">
          No input columns known yet: type the {multiple ? "names, separated by commas" : "name"}.
        </p>
      </div>
    );
  }

  // Search and type filter only help when there is something to narrow.
  const showTools = columns.length > TOOLS_FROM || (props.filter !== undefined && props.filter !== "any");
  const filterBar = !showTools ? null : (
    <div className="picker-tools">
      <input
        type="search"
        id={multiple ? id : `${id}-search`}
        aria-label={`Search ${label}`}
        placeholder="Search columns"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <select aria-label={`Column types for ${label}`} value={filter} onChange={(e) => setFilter(e.target.value as ColumnFilter)}>
        <option value="any">All types</option>
        <option value="numeric">Numeric</option>
        <option value="categorical">Categorical</option>
      </select>
    </div>
  );

  if (!multiple) {
    const current = selected[0] ?? "";
    return (
      <div className="picker">
        <label htmlFor={id}>{label}</label>
        {filterBar}
        <select
          id={id}
          value={current}
          disabled={readOnly}
          aria-invalid={props.invalid || undefined}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value === "" ? null : e.target.value)}
        >
          <option value="">— none —</option>
          {unknown.map((name) => (
            <option key={`unknown-${name}`} value={name}>
              {name} (not in input)
            </option>
          ))}
          {shown.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name} ({c.dtype})
            </option>
          ))}
          {current !== "" && known.has(current) && !shown.some((c) => c.name === current) && (
            <option value={current}>{current}</option>
          )}
        </select>
        {warning}
      </div>
    );
  }

  const toggle = (name: string, on: boolean) => {
    if (on) onChange(selected.includes(name) ? selected : [...selected, name]);
    else onChange(selected.filter((n) => n !== name));
  };
  const shownNames = shown.map((c) => c.name);
  const allShownSelected = shownNames.length > 0 && shownNames.every((n) => selected.includes(n));

  return (
    <fieldset
      className="picker picker-multi"
      disabled={readOnly}
      aria-describedby={describedBy}
      aria-invalid={props.invalid || undefined}
    >
      <legend>{label}</legend>
      {props.description !== undefined && <p className="field-help">{props.description}</p>}
      {filterBar}
      <div className="picker-actions">
        <button
          type="button"
          id={showTools ? undefined : id}
          onClick={() => onChange([...selected, ...shownNames.filter((n) => !selected.includes(n))])}
          disabled={allShownSelected}
        >
          Select all{query !== "" || filter !== "any" ? " shown" : ""}
        </button>
        <button type="button" onClick={() => onChange(selected.filter((n) => !shownNames.includes(n)))} disabled={selected.length === 0}>
          Clear
        </button>
        <span className="picker-count" aria-live="polite">
          {selected.length} selected
        </span>
      </div>
      <ul className="picker-list" aria-label={`${label} options`}>
        {unknown.map((name) => (
          <li key={`unknown-${name}`} className="picker-unknown">
            <label>
              <input type="checkbox" checked onChange={() => toggle(name, false)} />
              {name} <span className="picker-dtype">not in input</span>
            </label>
          </li>
        ))}
        {shown.map((c) => (
          <li key={c.name}>
            <label>
              <input type="checkbox" checked={selected.includes(c.name)} onChange={(e) => toggle(c.name, e.target.checked)} />
              {c.name} <span className="picker-dtype">{c.dtype}</span>
            </label>
          </li>
        ))}
        {shown.length === 0 && <li className="picker-none">No columns match.</li>}
      </ul>
      {warning}
    </fieldset>
  );
}
