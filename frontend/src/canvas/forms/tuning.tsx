// Editors of a model node's training mode: the "Train once / Tune" switch (`run_mode`) and the
// tuning settings (`tuning_config`): strategy, metric (only those the model's task reports, from
// the schema's `x-metrics`), budget, the Optuna sampler and pruner, CV inside the search, and the
// search space (see SearchSpaceEditor). Plain settings are drawn by the ordinary `Field`.
import { useState } from "react";
import { Field, type EditorProps } from "./fields";
import { resolveRef } from "./schema";
import {
  defaultSpace,
  formatChoices,
  GRID_STRATEGIES,
  parseChoices,
  specProblem,
  tunables,
  type SearchSpec,
  type Tunable,
} from "./searchSpace";

const MODES: { value: string; label: string }[] = [
  { value: "fixed", label: "Train once" },
  { value: "tuned", label: "Tune" },
];

export function RunModeEditor({ id, value, onChange, describedBy }: EditorProps) {
  const current = value === "tuned" ? "tuned" : "fixed";
  return (
    <fieldset className="field-group run-mode" id={`${id}-group`} aria-describedby={describedBy}>
      <legend>Training mode</legend>
      <div className="run-mode-switch">
        {MODES.map((m, i) => (
          <label key={m.value} className={current === m.value ? "active" : undefined}>
            <input
              id={i === 0 ? id : undefined}
              type="radio"
              name={id}
              value={m.value}
              checked={current === m.value}
              onChange={() => onChange(m.value)}
            />
            {m.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function TuningEditor(p: EditorProps) {
  const config = isRecord(p.value) ? p.value : {};
  const props = p.spec.schema.properties ?? {};
  const defaultOf = (key: string) => (props[key] === undefined ? undefined : resolveRef(props[key], p.ctx.root).default);
  const get = (key: string) => (key in config ? config[key] : defaultOf(key));
  const set = (key: string, v: unknown) => p.onChange({ ...config, [key]: v });
  const field = (key: string) =>
    props[key] === undefined ? null : (
      <Field key={key} name={key} path={`${p.path}.${key}`} schema={props[key]} value={get(key)} ctx={p.ctx} onChange={(v) => set(key, v)} />
    );
  const strategy = String(get("strategy") ?? "random");
  const strategyParams = isRecord(config.strategy_params) ? config.strategy_params : {};
  const paramsSchema = props.strategy_params === undefined ? undefined : resolveRef(props.strategy_params, p.ctx.root);
  const subField = (key: string) => {
    const schema = paramsSchema?.properties?.[key];
    if (schema === undefined) return null;
    const present = key in strategyParams;
    return (
      <Field
        key={key}
        name={key}
        path={`${p.path}.strategy_params.${key}`}
        schema={schema}
        value={present ? strategyParams[key] : resolveRef(schema, p.ctx.root).default}
        ctx={p.ctx}
        onChange={(v) => set("strategy_params", { ...strategyParams, [key]: v })}
      />
    );
  };
  const cvOn = get("cv_enabled") !== false;
  return (
    <fieldset className="field-group tuning" id={`${p.id}-group`} aria-describedby={p.describedBy}>
      <legend>Tuning</legend>
      <div className="field-row">
        {field("strategy")}
        <MetricField {...p} value={config.metric ?? null} onChange={(v) => set("metric", v)} />
      </div>
      <div className="field-row">
        {field("n_trials")}
        {field("timeout")}
      </div>
      {strategy === "optuna" && (
        <div className="field-row">
          {subField("sampler")}
          {subField("pruner")}
        </div>
      )}
      {strategy.startsWith("halving") && subField("reduction_factor")}
      <div className="field-row">
        {field("cv_enabled")}
        {cvOn && field("cv_folds")}
      </div>
      {cvOn && (
        <div className="field-row">
          {field("cv_type")}
          {field("cv_shuffle")}
        </div>
      )}
      <SearchSpaceEditor {...p} strategy={strategy} value={config.search_space} onChange={(v) => set("search_space", v)} />
    </fieldset>
  );
}

/** The metric to optimise: a choice among the task's metrics, "default" leaving it to the server. */
function MetricField(p: EditorProps) {
  const metrics = p.spec.schema["x-metrics"];
  const fallback = p.spec.schema["x-default-metric"];
  const id = `${p.id}-metric`;
  const error = p.ctx.errors[`${p.path}.metric`];
  const names = isRecord(metrics) ? Object.keys(metrics) : [];
  const value = typeof p.value === "string" ? p.value : "";
  return (
    <div className="field field-enum" id={`${p.ctx.idFor(`${p.path}.metric`)}-field`}>
      <label htmlFor={id}>Metric</label>
      {names.length > 0 ? (
        <select id={id} value={value} aria-invalid={error !== undefined || undefined} onChange={(e) => p.onChange(e.target.value === "" ? null : e.target.value)}>
          <option value="">{typeof fallback === "string" ? `default (${fallback})` : "default"}</option>
          {names.map((m) => (
            <option key={m} value={m}>
              {m} ({String((metrics as Record<string, unknown>)[m]) === "minimize" ? "lower is better" : "higher is better"})
            </option>
          ))}
          {value !== "" && !names.includes(value) && <option value={value}>{value}</option>}
        </select>
      ) : (
        <input id={id} type="text" value={value} placeholder="default" onChange={(e) => p.onChange(e.target.value === "" ? null : e.target.value)} />
      )}
      {error !== undefined && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * The parameters searched and their ranges. An empty `search_space` searches every tunable
 * parameter over the model's default; the first edit writes that default out, so what is shown is
 * what runs.
 */
function SearchSpaceEditor(p: EditorProps & { strategy: string }) {
  const list = tunables(p.ctx.root);
  const given = isRecord(p.value) ? (p.value as Record<string, SearchSpec>) : {};
  const usingDefault = Object.keys(given).length === 0;
  const space = usingDefault ? defaultSpace(list, p.strategy) : given;
  const edit = (name: string, spec: SearchSpec | null) => {
    const next = { ...space };
    if (spec === null) delete next[name];
    else next[name] = spec;
    p.onChange(next);
  };
  const path = `${p.path}.search_space`;
  const stray = Object.entries(p.ctx.errors).filter(([k]) => k === path);
  return (
    <fieldset className="field-group search-space" id={`${p.ctx.idFor(path)}-field`}>
      <legend>Search space</legend>
      <p className="field-help">
        {usingDefault
          ? `The model's default ranges for ${GRID_STRATEGIES.has(p.strategy) ? "a grid" : "sampling"}; change one to set your own.`
          : "Only the parameters checked here are searched."}
        {!usingDefault && (
          <button type="button" className="link-button" onClick={() => p.onChange({})}>
            Back to the defaults
          </button>
        )}
      </p>
      {list.length === 0 && <p className="field-help">This model marks no parameter as tunable.</p>}
      {stray.map(([k, m]) => (
        <p key={k} className="field-error" role="alert">
          {m}
        </p>
      ))}
      <ul className="space-list">
        {list.map((t) => (
          <SpaceRow
            key={t.name}
            tunable={t}
            spec={space[t.name]}
            strategy={p.strategy}
            serverError={p.ctx.errors[`${path}.${t.name}`]}
            idBase={p.ctx.idFor(`${path}.${t.name}`)}
            onChange={(spec) => edit(t.name, spec)}
            onInclude={(on) => edit(t.name, on ? (defaultSpace([t], p.strategy)[t.name] ?? null) : null)}
            lastIncluded={Object.keys(space).length === 1 && space[t.name] !== undefined}
          />
        ))}
      </ul>
    </fieldset>
  );
}

interface RowProps {
  tunable: Tunable;
  spec: SearchSpec | undefined;
  strategy: string;
  serverError: string | undefined;
  idBase: string;
  onChange(spec: SearchSpec): void;
  onInclude(on: boolean): void;
  lastIncluded: boolean;
}

function SpaceRow({ tunable: t, spec, strategy, serverError, idBase, onChange, onInclude, lastIncluded }: RowProps) {
  const [choicesDraft, setChoicesDraft] = useState<string | null>(null);
  const problem = spec === undefined ? null : specProblem(spec, t, strategy);
  const message = problem ?? serverError ?? null;
  const num = (key: "low" | "high" | "step", text: string) => {
    const n = text.trim() === "" ? null : Number(text);
    if (spec !== undefined && (n === null || Number.isFinite(n))) onChange({ ...spec, [key]: n });
  };
  const numberInput = (key: "low" | "high" | "step", label: string) => (
    <label className="space-number">
      {label}
      <input
        id={`${idBase}-${key}`}
        type="number"
        step="any"
        aria-label={`${label} of ${t.name}`}
        aria-invalid={message !== null || undefined}
        value={typeof spec?.[key] === "number" ? String(spec[key]) : ""}
        onChange={(e) => num(key, e.target.value)}
      />
    </label>
  );
  return (
    <li className={`space-row${spec === undefined ? " excluded" : ""}`} data-param={t.name}>
      <label className="field-check">
        <input
          id={idBase}
          type="checkbox"
          checked={spec !== undefined}
          disabled={lastIncluded}
          aria-label={`Search ${t.name}`}
          onChange={(e) => onInclude(e.target.checked)}
        />
        <span className="space-name">{t.name}</span>
        {spec !== undefined && <span className="tag small">{spec.type === "categorical" ? "choices" : spec.type}</span>}
      </label>
      {spec !== undefined && spec.type !== "categorical" && (
        <div className="space-range">
          {numberInput("low", "Low")}
          {numberInput("high", "High")}
          {numberInput("step", "Step")}
          <label className="field-check">
            <input type="checkbox" checked={spec.log === true} aria-label={`Log scale of ${t.name}`} onChange={(e) => onChange({ ...spec, log: e.target.checked })} />
            log
          </label>
        </div>
      )}
      {spec !== undefined && spec.type === "categorical" && (
        <label className="space-choices">
          Choices
          <input
            id={`${idBase}-choices`}
            type="text"
            aria-label={`Choices of ${t.name}`}
            aria-invalid={message !== null || undefined}
            value={choicesDraft ?? formatChoices(spec.choices)}
            onChange={(e) => {
              setChoicesDraft(e.target.value);
              onChange({ ...spec, choices: parseChoices(e.target.value) });
            }}
            onBlur={() => setChoicesDraft(null)}
          />
        </label>
      )}
      {message !== null && (
        <p className="field-error" role="alert">
          {t.name}: {message}
        </p>
      )}
    </li>
  );
}
