// Dataset profile charts: a column's distribution and the missing values across columns.

import type { ColumnProfile, CorrelationMatrix, TargetAnalysisData } from "../api/contracts";
import { formatNumber } from "../lib/format";
import { GRID, histogramOption, histogramSummary } from "./common";

export interface ChartSpec {
  title: string;
  summary: string;
  option: Record<string, unknown>;
}

/** A numeric column's histogram, or a categorical column's most frequent values; null when neither exists. */
export function columnChart(col: ColumnProfile): ChartSpec | null {
  if (col.histogram && col.histogram.counts.length > 0) {
    return { title: `${col.name}: histogram`, summary: histogramSummary(col.histogram), option: histogramOption(col.histogram) };
  }
  const top = (col.top_values ?? []).slice(0, 12);
  if (top.length === 0) return null;
  const labels = top.map((t) => (t.value === null ? "(missing)" : String(t.value)));
  const summary = `${col.unique_count} distinct values; most frequent: ${top
    .slice(0, 3)
    .map((t, i) => `${labels[i]} (${t.count})`)
    .join(", ")}.`;
  return {
    title: `${col.name}: top values`,
    summary,
    option: {
      grid: { ...GRID, left: 16 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: [...labels].reverse(), axisLabel: { width: 110, overflow: "truncate" } },
      series: [{ type: "bar", name: "rows", data: top.map((t) => t.count).reverse() }],
    },
  };
}

export function missingChart(columns: ColumnProfile[]): ChartSpec {
  const withMissing = columns.filter((c) => c.missing_count > 0);
  const summary =
    withMissing.length === 0
      ? `No column has missing values (${columns.length} columns).`
      : `${withMissing.length} of ${columns.length} columns have missing values: ${withMissing
          .map((c) => `${c.name} ${formatNumber(c.missing_ratio * 100, 1)}%`)
          .join(", ")}.`;
  return {
    title: "Missing values per column",
    summary,
    option: {
      grid: { ...GRID, bottom: 60 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: columns.map((c) => c.name), axisLabel: { rotate: 35, interval: 0 } },
      yAxis: { type: "value", name: "% missing", min: 0 },
      series: [
        {
          type: "bar",
          name: "% missing",
          data: columns.map((c) => Number((c.missing_ratio * 100).toFixed(2))),
          itemStyle: { color: "#c9533e" },
        },
      ],
    },
  };
}

export type CorrelationMethod = "pearson" | "spearman" | "cramers_v";

export const CORRELATION_LABELS: Record<CorrelationMethod, string> = {
  pearson: "Pearson (numbers)",
  spearman: "Spearman (numbers, by rank)",
  cramers_v: "Cramér's V (categories)",
};

/** A correlation matrix as a heatmap; cells that cannot be computed stay empty. */
export function correlationChart(matrix: CorrelationMatrix, method: CorrelationMethod): ChartSpec {
  const n = matrix.columns.length;
  const data: [number, number, number][] = [];
  let strongest: { a: string; b: string; v: number } | null = null;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = matrix.values[i]?.[j];
      if (v === null || v === undefined) continue;
      data.push([j, i, Number(v.toFixed(3))]);
      if (i < j && (strongest === null || Math.abs(v) > Math.abs(strongest.v))) strongest = { a: matrix.columns[i] ?? "", b: matrix.columns[j] ?? "", v };
    }
  }
  const signed = method !== "cramers_v";
  const summary =
    strongest === null
      ? `${CORRELATION_LABELS[method]} over ${n} columns: no pair could be computed.`
      : `${CORRELATION_LABELS[method]} over ${n} columns; the strongest pair is ${strongest.a} and ${strongest.b} (${formatNumber(strongest.v, 3)}).`;
  return {
    title: `Correlations: ${CORRELATION_LABELS[method]}`,
    summary,
    option: {
      grid: { ...GRID, left: 110, bottom: 90, right: 80 },
      tooltip: { position: "top" },
      xAxis: { type: "category", data: matrix.columns, axisLabel: { rotate: 45, interval: 0, width: 90, overflow: "truncate" }, splitArea: { show: true } },
      yAxis: { type: "category", data: matrix.columns, inverse: true, axisLabel: { interval: 0, width: 100, overflow: "truncate" }, splitArea: { show: true } },
      visualMap: {
        min: signed ? -1 : 0,
        max: 1,
        calculable: false,
        orient: "vertical",
        right: 0,
        top: "middle",
        itemHeight: 140,
        inRange: { color: signed ? ["#3b6fb6", "#f4f4f4", "#c9533e"] : ["#f4f4f4", "#c9533e"] },
      },
      series: [{ type: "heatmap", name: CORRELATION_LABELS[method], data, label: { show: n <= 12 } }],
    },
  };
}

/** Each feature's association with the target, strongest first. */
export function associationChart(analysis: TargetAnalysisData): ChartSpec | null {
  const top = analysis.associations.slice(0, 20);
  if (top.length === 0) return null;
  return {
    title: `Association with ${analysis.target}`,
    summary: `Strongest: ${top
      .slice(0, 3)
      .map((a) => `${a.feature} ${formatNumber(a.value, 3)} (${a.method.replace("_", " ")})`)
      .join(", ")}.`,
    option: {
      grid: { ...GRID, left: 16 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", min: 0, max: 1 },
      yAxis: { type: "category", data: top.map((a) => a.feature).reverse(), axisLabel: { width: 110, overflow: "truncate" } },
      series: [{ type: "bar", name: "association", data: top.map((a) => Number(a.value.toFixed(4))).reverse() }],
    },
  };
}

/** Classification: rows per class; regression: the target's histogram. */
export function balanceChart(analysis: TargetAnalysisData): ChartSpec | null {
  if (analysis.task === "regression") {
    if (!analysis.histogram || analysis.histogram.counts.length === 0) return null;
    return {
      title: `${analysis.target}: distribution`,
      summary: `${histogramSummary(analysis.histogram)}${analysis.mean != null ? ` Mean ${formatNumber(analysis.mean, 3)}.` : ""}`,
      option: histogramOption(analysis.histogram),
    };
  }
  const classes = analysis.class_balance;
  if (classes.length === 0) return null;
  const total = classes.reduce((s, c) => s + c.count, 0);
  const labels = classes.map((c) => (c.value === null ? "(missing)" : String(c.value)));
  return {
    title: `${analysis.target}: class balance`,
    summary: `${classes.length} classes: ${classes
      .slice(0, 5)
      .map((c, i) => `${labels[i]} ${formatNumber((c.count / Math.max(total, 1)) * 100, 1)}%`)
      .join(", ")}.`,
    option: {
      grid: { ...GRID, left: 16 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: [...labels].reverse(), axisLabel: { width: 110, overflow: "truncate" } },
      series: [{ type: "bar", name: "rows", data: classes.map((c) => c.count).reverse() }],
    },
  };
}
