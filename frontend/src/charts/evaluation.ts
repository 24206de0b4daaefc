// Evaluation charts: each builder turns one kind of a model's evaluation data
// (GET /jobs/{id}/evaluation) into a chart spec, or null when the model has none of it.

import type { ModelEvaluation } from "../api/contracts";
import { formatNumber } from "../lib/format";
import { GRID, curvesOption, histogramOption, histogramSummary } from "./common";
import type { ChartSpec } from "./profile";

export function confusionChart(e: ModelEvaluation): ChartSpec | null {
  const cm = e.confusion_matrix;
  if (!cm || cm.labels.length === 0) return null;
  const data: [number, number, number][] = [];
  let max = 0;
  let correct = 0;
  let total = 0;
  cm.counts.forEach((row, actual) =>
    row.forEach((count, predicted) => {
      data.push([predicted, actual, count]);
      max = Math.max(max, count);
      total += count;
      if (actual === predicted) correct += count;
    }),
  );
  return {
    title: "Confusion matrix (test)",
    summary: `${cm.labels.length} classes (${cm.labels.join(", ")}); ${correct} of ${total} predictions on the diagonal (correct).`,
    option: {
      grid: { ...GRID, right: 80 },
      tooltip: { position: "top" },
      xAxis: { type: "category", name: "predicted", nameLocation: "middle", nameGap: 28, data: cm.labels, splitArea: { show: true } },
      yAxis: { type: "category", name: "actual", nameLocation: "middle", nameGap: 36, data: cm.labels, inverse: true, splitArea: { show: true } },
      visualMap: { min: 0, max: Math.max(max, 1), calculable: false, orient: "vertical", right: 0, top: "middle", itemHeight: 120 },
      series: [{ type: "heatmap", name: "count", data, label: { show: true } }],
    },
  };
}

export function rocChart(e: ModelEvaluation): ChartSpec | null {
  if (!e.roc_curves || e.roc_curves.length === 0) return null;
  return {
    title: "ROC curve",
    summary: `Area under the curve: ${e.roc_curves.map((c) => `${c.label} ${formatNumber(c.auc, 3)}`).join(", ")}.`,
    option: curvesOption(
      e.roc_curves.map((c) => ({ name: `${c.label} (AUC ${formatNumber(c.auc, 3)})`, x: c.fpr, y: c.tpr })),
      { x: "false positive rate", y: "true positive rate" },
      true,
    ),
  };
}

export function prChart(e: ModelEvaluation): ChartSpec | null {
  if (!e.pr_curves || e.pr_curves.length === 0) return null;
  return {
    title: "Precision–recall curve",
    summary: `Average precision: ${e.pr_curves.map((c) => `${c.label} ${formatNumber(c.average_precision, 3)}`).join(", ")}.`,
    option: curvesOption(
      e.pr_curves.map((c) => ({ name: `${c.label} (AP ${formatNumber(c.average_precision, 3)})`, x: c.recall, y: c.precision })),
      { x: "recall", y: "precision" },
    ),
  };
}

export function calibrationChart(e: ModelEvaluation): ChartSpec | null {
  if (!e.calibration || e.calibration.length === 0) return null;
  return {
    title: "Calibration",
    summary: `Observed fraction of positives against the mean predicted probability, ${e.calibration.length} curve(s); the dashed diagonal is perfect calibration.`,
    option: curvesOption(
      e.calibration.map((c) => ({ name: c.label, x: c.mean_predicted, y: c.fraction_positive })),
      { x: "mean predicted probability", y: "fraction of positives" },
      true,
    ),
  };
}

export function thresholdChart(e: ModelEvaluation): ChartSpec | null {
  const t = e.threshold_analysis;
  if (!t || t.thresholds.length === 0) return null;
  let best = 0;
  t.f1.forEach((f, i) => {
    if (f > (t.f1[best] ?? -Infinity)) best = i;
  });
  const line = (name: string, ys: number[]) => ({ type: "line", name, showSymbol: false, data: t.thresholds.map((x, i) => [x, ys[i]]) });
  return {
    title: "Threshold analysis",
    summary: `Precision, recall and F1 by decision threshold; the best F1 (${formatNumber(t.f1[best], 3)}) is at threshold ${formatNumber(t.thresholds[best], 3)}.`,
    option: {
      grid: { ...GRID, top: 36 },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      xAxis: { type: "value", name: "threshold", nameLocation: "middle", nameGap: 26, min: 0, max: 1 },
      yAxis: { type: "value", min: 0, max: 1 },
      series: [line("precision", t.precision), line("recall", t.recall), line("F1", t.f1)],
    },
  };
}

export function residualScatterChart(e: ModelEvaluation): ChartSpec | null {
  const r = e.residuals;
  if (!r || r.predicted.length === 0) return null;
  const absMean = r.residual.reduce((a, b) => a + Math.abs(b), 0) / r.residual.length;
  return {
    title: "Residuals against predictions",
    summary: `${r.predicted.length} test rows; mean absolute residual ${formatNumber(absMean, 3)}. Points should scatter evenly around zero.`,
    option: {
      grid: GRID,
      tooltip: { trigger: "item" },
      xAxis: { type: "value", name: "predicted", nameLocation: "middle", nameGap: 26, scale: true },
      yAxis: { type: "value", name: "residual", scale: true },
      series: [
        {
          type: "scatter",
          name: "residual",
          symbolSize: 5,
          data: r.predicted.map((p, i) => [p, r.residual[i]]),
          markLine: { silent: true, symbol: "none", data: [{ yAxis: 0 }], lineStyle: { type: "dashed" } },
        },
      ],
    },
  };
}

export function residualHistogramChart(e: ModelEvaluation): ChartSpec | null {
  const h = e.residuals?.histogram;
  if (!h || h.counts.length === 0) return null;
  return { title: "Residual distribution", summary: histogramSummary(h), option: histogramOption(h, "test rows") };
}

export function importancesChart(e: ModelEvaluation, limit = 15): ChartSpec | null {
  const fi = e.feature_importances;
  const native = fi?.native;
  const perm = fi?.permutation;
  const rows =
    native && native.length > 0
      ? { kind: "native", items: native.map((n) => ({ feature: n.feature, value: n.importance })) }
      : perm && perm.length > 0
        ? { kind: "permutation", items: perm.map((p) => ({ feature: p.feature, value: p.mean })) }
        : null;
  if (rows === null) return null;
  const top = [...rows.items].sort((a, b) => Math.abs(b.value) - Math.abs(a.value)).slice(0, limit);
  return {
    title: rows.kind === "native" ? "Feature importances" : "Permutation importances",
    summary: `Top features: ${top
      .slice(0, 5)
      .map((t) => `${t.feature} ${formatNumber(t.value, 3)}`)
      .join(", ")}.`,
    option: {
      grid: { ...GRID, left: 16 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: top.map((t) => t.feature).reverse(), axisLabel: { width: 140, overflow: "truncate" } },
      series: [{ type: "bar", name: "importance", data: top.map((t) => t.value).reverse() }],
    },
  };
}

export function clusterSizesChart(e: ModelEvaluation): ChartSpec | null {
  const sizes = e.clusters?.sizes;
  if (!sizes || sizes.length === 0) return null;
  return {
    title: "Cluster sizes",
    summary: `${sizes.length} clusters: ${sizes.map((s) => `cluster ${s.cluster} has ${s.size} rows`).join(", ")}.`,
    option: {
      grid: GRID,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", name: "cluster", data: sizes.map((s) => String(s.cluster)) },
      yAxis: { type: "value", name: "rows" },
      series: [{ type: "bar", name: "rows", data: sizes.map((s) => s.size) }],
    },
  };
}

/** Every chart the model's evaluation can draw, in reading order; kinds it lacks are left out. */
export function evaluationCharts(e: ModelEvaluation): ChartSpec[] {
  return [
    confusionChart(e),
    rocChart(e),
    prChart(e),
    calibrationChart(e),
    thresholdChart(e),
    residualScatterChart(e),
    residualHistogramChart(e),
    importancesChart(e),
    clusterSizesChart(e),
  ].filter((c): c is ChartSpec => c !== null);
}
