// Tuning charts: a study's score over its trials with the best-so-far line, and the importance of
// each searched parameter (fANOVA, once the study is done).

import type { Study } from "../api/contracts";
import { formatNumber } from "../lib/format";
import { bestSoFar } from "../pages/jobs/trials";
import { GRID } from "./common";
import type { ChartSpec } from "./profile";

export function trialsChart(study: Study): ChartSpec | null {
  const points = bestSoFar(study);
  if (points.length === 0) return null;
  const last = points[points.length - 1];
  return {
    title: `${study.metric} over trials`,
    summary: `${points.length} finished trials; the best ${study.metric} so far is ${formatNumber(last?.best, 4)} (${study.direction === "maximize" ? "higher" : "lower"} is better).`,
    option: {
      grid: { ...GRID, top: 36 },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      xAxis: { type: "value", name: "trial", nameLocation: "middle", nameGap: 26, minInterval: 1 },
      yAxis: { type: "value", name: study.metric, scale: true },
      series: [
        { type: "scatter", name: "trial score", symbolSize: 7, data: points.map((p) => [p.number, p.value]) },
        { type: "line", name: "best so far", step: "end", showSymbol: false, data: points.map((p) => [p.number, p.best]) },
      ],
    },
  };
}

export function paramImportanceChart(study: Study): ChartSpec | null {
  const entries = Object.entries(study.param_importances ?? {}).filter(([, v]) => Number.isFinite(v));
  if (entries.length === 0) return null;
  const sorted = entries.sort((a, b) => b[1] - a[1]);
  return {
    title: "Parameter importances",
    summary: `How much each parameter explains the score: ${sorted.map(([k, v]) => `${k} ${formatNumber(v, 3)}`).join(", ")}.`,
    option: {
      grid: { ...GRID, left: 16 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", min: 0 },
      yAxis: { type: "category", data: sorted.map(([k]) => k).reverse(), axisLabel: { width: 140, overflow: "truncate" } },
      series: [{ type: "bar", name: "importance", data: sorted.map(([, v]) => v).reverse() }],
    },
  };
}
