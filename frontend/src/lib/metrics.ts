// Metrics arrive flat (`train_accuracy`, `test_accuracy`, `val_f1`, ...): these helpers group them
// by split for tables, pick a job's headline metric, and say which of two values is better.

const SPLITS: Record<string, string> = { train: "train", test: "test", val: "validation", validation: "validation", cv: "cv" };
const SPLIT_ORDER = ["train", "validation", "test", "cv", "overall"];

export interface MetricsTable {
  /** Column order: the splits present, train → validation → test → cv → overall. */
  splits: string[];
  /** One row per metric name (without its split prefix), in first-seen order. */
  rows: { metric: string; values: Record<string, number | undefined> }[];
}

export function splitOfKey(key: string): { split: string; metric: string } {
  const cut = key.indexOf("_");
  if (cut > 0) {
    const split = SPLITS[key.slice(0, cut)];
    if (split !== undefined && cut < key.length - 1) return { split, metric: key.slice(cut + 1) };
  }
  return { split: "overall", metric: key };
}

export function groupMetricsBySplit(metrics: Record<string, unknown> | null | undefined): MetricsTable {
  const seen = new Set<string>();
  const byMetric = new Map<string, Record<string, number | undefined>>();
  for (const [key, raw] of Object.entries(metrics ?? {})) {
    if (typeof raw !== "number") continue;
    const { split, metric } = splitOfKey(key);
    seen.add(split);
    const row = byMetric.get(metric) ?? {};
    row[split] = raw;
    byMetric.set(metric, row);
  }
  const splits = SPLIT_ORDER.filter((s) => seen.has(s));
  return { splits, rows: [...byMetric.entries()].map(([metric, values]) => ({ metric, values })) };
}

/** Metric keys ordered train → validation → test → cv → overall, keeping their order within a split. */
export function sortBySplit(keys: string[]): string[] {
  const rank = (k: string) => SPLIT_ORDER.indexOf(splitOfKey(k).split);
  return keys.map((k, i) => ({ k, i })).sort((x, y) => rank(x.k) - rank(y.k) || x.i - y.i).map((x) => x.k);
}

const HEADLINE = ["test_accuracy", "test_r2", "test_f1", "test_silhouette", "test_roc_auc", "test_rmse"];

/** The one metric a list shows for a job: test accuracy or R², else the first test metric. */
export function headlineMetric(metrics: Record<string, unknown> | null | undefined): { name: string; value: number } | null {
  const m = metrics ?? {};
  for (const name of HEADLINE) {
    const v = m[name];
    if (typeof v === "number") return { name, value: v };
  }
  for (const [name, v] of Object.entries(m)) {
    if (typeof v === "number" && name.startsWith("test_")) return { name, value: v };
  }
  for (const [name, v] of Object.entries(m)) {
    if (typeof v === "number") return { name, value: v };
  }
  return null;
}

const LOWER_IS_BETTER = /(^|_)(mse|rmse|mae|mape|medae|log_loss|logloss|loss|error|brier|davies_bouldin|max_error)($|_)/;

export function lowerIsBetter(metric: string): boolean {
  return LOWER_IS_BETTER.test(metric);
}

/** Which side holds the better value of `metric`, or null when they tie or one is missing. */
export function betterSide(metric: string, a: number | undefined, b: number | undefined): "a" | "b" | null {
  if (a === undefined || b === undefined || a === b || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  const aWins = lowerIsBetter(metric) ? a < b : a > b;
  return aWins ? "a" : "b";
}
