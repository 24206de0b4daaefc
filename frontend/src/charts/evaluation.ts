// Evaluation charts: each builder turns one kind of a model's evaluation data
// (GET /jobs/{id}/evaluation) into a chart spec, or null when the model has none of it.

import type { ModelEvaluation } from "../api/contracts";
import { formatNumber } from "../lib/format";
import { GRID, curvesOption, histogramOption, histogramSummary } from "./common";
import type { ChartSpec } from "./profile";

/** The confusion matrix as a heatmap of counts, or of the row-normalised shares (each actual class sums to 1). */
export function confusionChart(e: ModelEvaluation, normalised = false): ChartSpec | null {
  const cm = e.confusion_matrix;
  if (!cm || cm.labels.length === 0) return null;
  const cells = normalised ? cm.normalized : cm.counts;
  if (!cells || cells.length === 0) return null;
  const data: [number, number, number][] = [];
  let max = 0;
  let correct = 0;
  let total = 0;
  cells.forEach((row, actual) =>
    row.forEach((value, predicted) => {
      data.push([predicted, actual, normalised ? Number(value.toFixed(3)) : value]);
      max = Math.max(max, value);
      total += value;
      if (actual === predicted) correct += value;
    }),
  );
  const recalls = normalised ? cm.labels.map((l, i) => `${l} ${formatNumber(cells[i]?.[i] ?? 0, 3)}`).join(", ") : "";
  return {
    title: normalised ? "Confusion matrix, normalised by actual class (test)" : "Confusion matrix (test)",
    summary: normalised
      ? `${cm.labels.length} classes; the share of each actual class predicted right (recall): ${recalls}.`
      : `${cm.labels.length} classes (${cm.labels.join(", ")}); ${correct} of ${total} predictions on the diagonal (correct).`,
    option: {
      grid: { ...GRID, right: 80 },
      tooltip: { position: "top" },
      xAxis: { type: "category", name: "predicted", nameLocation: "middle", nameGap: 28, data: cm.labels, splitArea: { show: true } },
      yAxis: { type: "category", name: "actual", nameLocation: "middle", nameGap: 36, data: cm.labels, inverse: true, splitArea: { show: true } },
      visualMap: { min: 0, max: normalised ? 1 : Math.max(max, 1), calculable: false, orient: "vertical", right: 0, top: "middle", itemHeight: 120 },
      series: [{ type: "heatmap", name: normalised ? "share" : "count", data, label: { show: true } }],
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

/** Native importances (the model's own), or with `kind: "permutation"` the drop in test score when a feature is shuffled, with its std. */
export function importancesChart(e: ModelEvaluation, kind: "native" | "permutation" = "native", limit = 15): ChartSpec | null {
  const fi = e.feature_importances;
  const items =
    kind === "native"
      ? (fi?.native ?? []).map((n) => ({ feature: n.feature, value: n.importance, std: null as number | null }))
      : (fi?.permutation ?? []).map((p) => ({ feature: p.feature, value: p.mean, std: p.std as number | null }));
  if (items.length === 0) return null;
  const top = [...items].sort((a, b) => Math.abs(b.value) - Math.abs(a.value)).slice(0, limit);
  const series: Record<string, unknown>[] = [{ type: "bar", name: kind === "native" ? "importance" : "mean score drop", data: top.map((t) => t.value).reverse() }];
  if (kind === "permutation") {
    // The spread over repeats, as a second (thin) bar of the std beside each mean.
    series.push({ type: "bar", name: "std", barGap: "0%", data: top.map((t) => t.std ?? 0).reverse() });
  }
  const sample = kind === "permutation" ? fi?.permutation_sample : null;
  const sampled = sample
    ? sample.rows < sample.test_rows
      ? ` Shuffled ${sample.repeats} times per feature on ${sample.rows.toLocaleString("en")} of the ${sample.test_rows.toLocaleString("en")} test rows (a seeded sample).`
      : ` Shuffled ${sample.repeats} times per feature on all ${sample.rows.toLocaleString("en")} test rows.`
    : "";
  return {
    title: kind === "native" ? "Feature importances" : "Permutation importances (test)",
    summary: `Top features: ${top
      .slice(0, 5)
      .map((t) => `${t.feature} ${formatNumber(t.value, 3)}${t.std !== null ? ` ± ${formatNumber(t.std, 3)}` : ""}`)
      .join(", ")}.${sampled}`,
    option: {
      grid: { ...GRID, left: 16, top: kind === "permutation" ? 36 : GRID.top },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      ...(kind === "permutation" ? { legend: { top: 0 } } : {}),
      xAxis: { type: "value" },
      yAxis: { type: "category", data: top.map((t) => t.feature).reverse(), axisLabel: { width: 140, overflow: "truncate" } },
      series,
    },
  };
}

/** Each cluster's centre over the features, as a heatmap (clusters down, features across). */
export function centroidsChart(e: ModelEvaluation): ChartSpec | null {
  const c = e.clusters?.centroids;
  if (!c || c.values.length === 0 || c.features.length === 0) return null;
  const data: [number, number, number][] = [];
  let lo = Infinity;
  let hi = -Infinity;
  c.values.forEach((row, k) =>
    row.forEach((v, f) => {
      data.push([f, k, Number(v.toFixed(3))]);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }),
  );
  return {
    title: "Cluster centroids",
    summary: `${c.values.length} cluster centres over ${c.features.length} features (${c.features.slice(0, 6).join(", ")}${c.features.length > 6 ? ", …" : ""}); values from ${formatNumber(lo, 3)} to ${formatNumber(hi, 3)}.`,
    option: {
      grid: { ...GRID, right: 80, bottom: 60 },
      tooltip: { position: "top" },
      xAxis: { type: "category", data: c.features, axisLabel: { rotate: 30, width: 90, overflow: "truncate" } },
      yAxis: { type: "category", name: "cluster", data: c.values.map((_, k) => String(k)), inverse: true },
      visualMap: { min: lo, max: hi === lo ? lo + 1 : hi, calculable: false, orient: "vertical", right: 0, top: "middle", itemHeight: 120 },
      series: [{ type: "heatmap", name: "centroid", data, label: { show: c.features.length <= 8 } }],
    },
  };
}

/** Each metric's value per cross-validation fold, with its mean (dashed) — mean ± std in the summary. */
export function cvFoldsChart(e: ModelEvaluation): ChartSpec | null {
  const cv = e.cv;
  const entries = Object.entries(cv?.metrics ?? {}).filter(([, m]) => m.folds.length > 0);
  if (!cv || entries.length === 0) return null;
  const folds = Math.max(...entries.map(([, m]) => m.folds.length));
  return {
    title: `Cross-validation by fold (${cv.type})`,
    summary: entries.map(([name, m]) => `${name} ${formatNumber(m.mean, 3)} ± ${formatNumber(m.std, 3)}`).join(", ") + ` over ${folds} folds.`,
    option: {
      grid: { ...GRID, top: 36 },
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", top: 0 },
      xAxis: { type: "category", name: "fold", nameLocation: "middle", nameGap: 26, data: Array.from({ length: folds }, (_, i) => String(i + 1)) },
      yAxis: { type: "value", scale: true },
      series: entries.map(([name, m]) => ({
        type: "line",
        name,
        data: m.folds,
        markLine: { silent: true, symbol: "none", data: [{ yAxis: m.mean, name: "mean" }], lineStyle: { type: "dashed" }, label: { show: false } },
      })),
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
    confusionChart(e, true),
    rocChart(e),
    prChart(e),
    calibrationChart(e),
    thresholdChart(e),
    residualScatterChart(e),
    residualHistogramChart(e),
    importancesChart(e),
    importancesChart(e, "permutation"),
    clusterSizesChart(e),
    centroidsChart(e),
    cvFoldsChart(e),
  ].filter((c): c is ChartSpec => c !== null);
}
