// Dataset profile charts: a column's distribution and the missing values across columns.

import type { ColumnProfile } from "../api/contracts";
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
