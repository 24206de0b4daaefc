// A tuned model node's search space (`tuning_config.search_space`): the tunable parameters the
// model's schema marks (`x-tunable`, `x-search-space` with a `grid` and the sampler distributions),
// the default range of each for a strategy, and what is wrong with a range a person typed. The
// server checks the same (naming `tuning_config.search_space.<param>`); these messages come first.
import { labelOf, resolveRef, type JsonSchema } from "./schema";

export interface SearchSpec {
  type: "int" | "float" | "categorical";
  low?: number | null;
  high?: number | null;
  log?: boolean;
  step?: number | null;
  choices?: unknown[] | null;
}

export interface Tunable {
  name: string;
  label: string;
  /** The parameter's numeric bounds (of its numeric branch), if any. */
  minimum: number | undefined;
  maximum: number | undefined;
  grid: unknown[];
  distribution: SearchSpec | undefined;
}

export const GRID_STRATEGIES = new Set(["grid", "halving_grid"]);

function isSpec(v: unknown): v is SearchSpec {
  return typeof v === "object" && v !== null && ["int", "float", "categorical"].includes((v as SearchSpec).type);
}

function numericBranch(prop: JsonSchema, root: JsonSchema): JsonSchema | undefined {
  const s = resolveRef(prop, root);
  const branches = [s, ...(s.anyOf ?? s.oneOf ?? []).map((b) => resolveRef(b, root))];
  return branches.find((b) => b.type === "integer" || b.type === "number");
}

/** The model's tunable parameters, in schema order. */
export function tunables(root: JsonSchema): Tunable[] {
  const out: Tunable[] = [];
  for (const [name, prop] of Object.entries(root.properties ?? {})) {
    const space = prop["x-search-space"] as { grid?: unknown[]; optuna?: unknown; random?: unknown } | undefined;
    if (prop["x-tunable"] !== true || space === undefined) continue;
    const numeric = numericBranch(prop, root);
    const dist = isSpec(space.optuna) ? space.optuna : isSpec(space.random) ? space.random : undefined;
    out.push({
      name,
      label: labelOf(name, prop),
      minimum: numeric?.minimum ?? numeric?.exclusiveMinimum,
      maximum: numeric?.maximum ?? numeric?.exclusiveMaximum,
      grid: Array.isArray(space.grid) ? space.grid : [],
      distribution: dist,
    });
  }
  return out;
}

/** The range a strategy searches by default: the grid's values for grid strategies, else the distribution. */
export function defaultSpec(t: Tunable, strategy: string): SearchSpec {
  if (GRID_STRATEGIES.has(strategy) || t.distribution === undefined) return { type: "categorical", choices: [...t.grid] };
  return { ...t.distribution };
}

export function defaultSpace(list: Tunable[], strategy: string): Record<string, SearchSpec> {
  return Object.fromEntries(list.map((t) => [t.name, defaultSpec(t, strategy)]));
}

/** What is wrong with one range, or null. */
export function specProblem(spec: SearchSpec, t: Tunable | undefined, strategy: string): string | null {
  if (spec.type === "categorical") {
    return !Array.isArray(spec.choices) || spec.choices.length === 0 ? "Give at least one choice" : null;
  }
  const { low, high } = spec;
  if (typeof low !== "number" || typeof high !== "number") return "Give both a low and a high value";
  if (low > high) return `Low (${low}) is above high (${high})`;
  if (spec.type === "int" && !(Number.isInteger(low) && Number.isInteger(high))) return "An integer range needs whole numbers";
  if (spec.log === true && low <= 0) return "A log scale needs low above 0";
  if (spec.log === true && typeof spec.step === "number") return "Use either a step or a log scale, not both";
  if (typeof spec.step === "number" && spec.step <= 0) return "The step must be above 0";
  if (t?.minimum !== undefined && low < t.minimum) return `Low must be at least ${t.minimum}`;
  if (t?.maximum !== undefined && high > t.maximum) return `High must be at most ${t.maximum}`;
  if (GRID_STRATEGIES.has(strategy) && spec.type === "float" && typeof spec.step !== "number") {
    return "A grid over a float range needs a step";
  }
  return null;
}

/** "sqrt, log2, 3, null" -> ["sqrt", "log2", 3, null]. */
export function parseChoices(text: string): unknown[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => {
      if (s === "null" || s === "None") return null;
      if (s === "true" || s === "True") return true;
      if (s === "false" || s === "False") return false;
      const n = Number(s);
      return Number.isFinite(n) ? n : s;
    });
}

export function formatChoices(choices: unknown[] | null | undefined): string {
  return (choices ?? []).map((c) => (c === null ? "null" : String(c))).join(", ");
}
