// Metrics by split as grouped bars: a quick look at train against test (over-fitting shows as a gap).

import { formatNumber } from "../lib/format";
import { groupMetricsBySplit, lowerIsBetter } from "../lib/metrics";
import { GRID } from "./common";
import type { ChartSpec } from "./profile";

const MAX_BARS = 8;

/** Bars of the metrics that live in [0, 1] (accuracy, F1, R², AUC, ...), one series per split. */
export function metricsChart(metrics: Record<string, unknown> | null | undefined): ChartSpec | null {
  const table = groupMetricsBySplit(metrics);
  // Scores only (higher is better, within [-1, 1]), at most eight: a loss on the same axis misleads.
  const rows = table.rows
    .filter((r) => !lowerIsBetter(r.metric) && Object.values(r.values).every((v) => v === undefined || (v >= -1 && v <= 1)))
    .slice(0, MAX_BARS);
  const splits = table.splits.filter((s) => rows.some((r) => r.values[s] !== undefined));
  if (rows.length === 0 || splits.length === 0) return null;
  const summary = rows
    .map((r) => `${r.metric}: ${splits.map((s) => `${s} ${formatNumber(r.values[s], 3)}`).join(", ")}`)
    .join("; ");
  return {
    title: "Metrics by split",
    summary: `${summary}.`,
    option: {
      grid: { ...GRID, top: 36 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      xAxis: { type: "category", data: rows.map((r) => r.metric), axisLabel: { interval: 0, hideOverlap: true } },
      yAxis: { type: "value", max: 1 },
      series: splits.map((s) => ({ type: "bar", name: s, data: rows.map((r) => r.values[s] ?? null) })),
    },
  };
}
