// Pieces shared by the chart option builders (pure functions: JSON in, ECharts option out).

import type { HistogramData } from "../api/contracts";
import { formatNumber } from "../lib/format";

export const GRID = { left: 56, right: 20, top: 28, bottom: 40, containLabel: true };

/** Bin labels for a histogram: "a – b" from its n+1 edges. */
export function binLabels(edges: number[]): string[] {
  const labels: string[] = [];
  for (let i = 0; i + 1 < edges.length; i += 1) labels.push(`${formatNumber(edges[i], 3)} – ${formatNumber(edges[i + 1], 3)}`);
  return labels;
}

export function histogramOption(h: HistogramData, name = "rows") {
  return {
    grid: GRID,
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: binLabels(h.edges), axisLabel: { hideOverlap: true } },
    yAxis: { type: "value", name },
    series: [{ type: "bar", name, data: h.counts, barCategoryGap: "2%" }],
  };
}

export function histogramSummary(h: HistogramData): string {
  const total = h.counts.reduce((a, b) => a + b, 0);
  let peak = 0;
  h.counts.forEach((c, i) => {
    if (c > (h.counts[peak] ?? 0)) peak = i;
  });
  const lo = h.edges[0];
  const hi = h.edges[h.edges.length - 1];
  const peakLabel = binLabels(h.edges)[peak] ?? "";
  return `${total} values from ${formatNumber(lo, 3)} to ${formatNumber(hi, 3)} in ${h.counts.length} bins; the most populated bin is ${peakLabel}.`;
}

/** A line per curve, for ROC / PR / calibration charts (x and y in [0, 1]). */
export function curvesOption(
  curves: { name: string; x: number[]; y: number[] }[],
  axes: { x: string; y: string },
  diagonal = false,
) {
  const series: Record<string, unknown>[] = curves.map((c) => ({
    type: "line",
    name: c.name,
    showSymbol: false,
    data: c.x.map((x, i) => [x, c.y[i]]),
  }));
  if (diagonal) {
    series.push({
      type: "line",
      name: "chance",
      showSymbol: false,
      lineStyle: { type: "dashed", color: "#8a93a3" },
      data: [
        [0, 0],
        [1, 1],
      ],
    });
  }
  return {
    grid: { ...GRID, top: 36 },
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", top: 0 },
    xAxis: { type: "value", name: axes.x, nameLocation: "middle", nameGap: 26, min: 0, max: 1 },
    yAxis: { type: "value", name: axes.y, min: 0, max: 1 },
    series,
  };
}
