import { describe, expect, it } from "vitest";
import type { ColumnProfile, ModelEvaluation } from "../api/contracts";
import {
  calibrationChart,
  centroidsChart,
  clusterSizesChart,
  cvFoldsChart,
  confusionChart,
  evaluationCharts,
  importancesChart,
  prChart,
  residualHistogramChart,
  residualScatterChart,
  rocChart,
  thresholdChart,
} from "./evaluation";
import { metricsChart } from "./metrics";
import { columnChart, missingChart } from "./profile";

const NONE: ModelEvaluation = {
  node_id: "model",
  model_type: "logistic_regression",
  task: "classification",
  model_name: "churn",
  model_version: 1,
  metrics: { train: { accuracy: 0.9 }, test: { accuracy: 0.8 } },
  cv: null,
  confusion_matrix: null,
  roc_curves: null,
  pr_curves: null,
  calibration: null,
  threshold_analysis: null,
  residuals: null,
  feature_importances: null,
  clusters: null,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- options are checked by shape
type Opt = Record<string, any>;

describe("evaluation option builders", () => {
  it("draw nothing when the model has no evaluation data", () => {
    expect(evaluationCharts(NONE)).toEqual([]);
  });

  it("confusion matrix: a heatmap of [predicted, actual, count] cells", () => {
    const spec = confusionChart({ ...NONE, confusion_matrix: { labels: ["0", "1"], counts: [[50, 5], [10, 15]], normalized: [] } });
    const o = spec?.option as Opt;
    expect(o.xAxis.data).toEqual(["0", "1"]);
    expect(o.series[0].type).toBe("heatmap");
    expect(o.series[0].data).toEqual([
      [0, 0, 50],
      [1, 0, 5],
      [0, 1, 10],
      [1, 1, 15],
    ]);
    expect(o.visualMap.max).toBe(50);
    expect(spec?.summary).toContain("65 of 80");
  });

  it("ROC: one line per curve as [fpr, tpr] points, plus the chance diagonal", () => {
    const spec = rocChart({ ...NONE, roc_curves: [{ label: "1", fpr: [0, 0.2, 1], tpr: [0, 0.7, 1], auc: 0.81 }] });
    const o = spec?.option as Opt;
    expect(o.series).toHaveLength(2);
    expect(o.series[0].data).toEqual([
      [0, 0],
      [0.2, 0.7],
      [1, 1],
    ]);
    expect(o.series[0].name).toBe("1 (AUC 0.81)");
    expect(o.series[1].name).toBe("chance");
  });

  it("PR and calibration curves", () => {
    const pr = prChart({ ...NONE, pr_curves: [{ label: "1", precision: [1, 0.5], recall: [0, 1], average_precision: 0.7 }] });
    expect((pr?.option as Opt).series[0].data).toEqual([
      [0, 1],
      [1, 0.5],
    ]);
    const cal = calibrationChart({ ...NONE, calibration: [{ label: "1", mean_predicted: [0.1, 0.9], fraction_positive: [0.2, 0.8], count: [5, 5] }] });
    expect((cal?.option as Opt).series[0].data).toEqual([
      [0.1, 0.2],
      [0.9, 0.8],
    ]);
  });

  it("threshold analysis: three lines and the best F1 named", () => {
    const spec = thresholdChart({
      ...NONE,
      threshold_analysis: { thresholds: [0.2, 0.5, 0.8], precision: [0.4, 0.6, 0.9], recall: [0.9, 0.7, 0.2], f1: [0.55, 0.65, 0.33] },
    });
    expect((spec?.option as Opt).series.map((s: Opt) => s.name)).toEqual(["precision", "recall", "F1"]);
    expect(spec?.summary).toContain("threshold 0.5");
  });

  it("residuals: a scatter around zero and a histogram", () => {
    const model: ModelEvaluation = {
      ...NONE,
      task: "regression",
      residuals: { predicted: [1, 2], residual: [-0.5, 0.5], histogram: { edges: [-1, 0, 1], counts: [1, 1] } },
    };
    const scatter = residualScatterChart(model)?.option as Opt;
    expect(scatter.series[0].data).toEqual([
      [1, -0.5],
      [2, 0.5],
    ]);
    const hist = residualHistogramChart(model)?.option as Opt;
    expect(hist.xAxis.data).toEqual(["-1 – 0", "0 – 1"]);
    expect(hist.series[0].data).toEqual([1, 1]);
  });

  it("importances: native and permutation each drawn, top features by magnitude, largest at the top", () => {
    const spec = importancesChart(
      {
        ...NONE,
        feature_importances: {
          native: [
            { feature: "a", importance: 0.1 },
            { feature: "b", importance: -0.5 },
            { feature: "c", importance: 0.3 },
          ],
          permutation: [{ feature: "z", mean: 1, std: 0 }],
        },
      },
      "native",
      2,
    );
    const o = spec?.option as Opt;
    expect(spec?.title).toBe("Feature importances");
    expect(o.yAxis.data).toEqual(["c", "b"]);
    expect(o.series[0].data).toEqual([0.3, -0.5]);
    const both = { ...NONE, feature_importances: { native: [{ feature: "a", importance: 0.1 }], permutation: [{ feature: "z", mean: 0.2, std: 0.01 }] } };
    const perm = importancesChart(both, "permutation");
    expect(perm?.title).toBe("Permutation importances (test)");
    expect((perm?.option as Opt).series.map((s: Opt) => s.data)).toEqual([[0.2], [0.01]]);
    expect(perm?.summary).toContain("z 0.2 ± 0.01");
    expect(evaluationCharts(both).map((c) => c.title)).toEqual(["Feature importances", "Permutation importances (test)"]);
    expect(importancesChart({ ...NONE, feature_importances: { native: null, permutation: [] } }, "permutation")).toBeNull();
    const sampled = { ...both, feature_importances: { ...both.feature_importances, permutation_sample: { rows: 2000, test_rows: 20000, repeats: 3 } } };
    expect(importancesChart(sampled, "permutation")?.summary).toContain("Shuffled 3 times per feature on 2,000 of the 20,000 test rows (a seeded sample).");
    expect(importancesChart(sampled, "native")?.summary).not.toContain("Shuffled");
  });

  it("confusion matrix normalised: the shares per actual class, recall in the summary", () => {
    const spec = confusionChart({ ...NONE, confusion_matrix: { labels: ["0", "1"], counts: [[50, 5], [10, 15]], normalized: [[0.9091, 0.0909], [0.4, 0.6]] } }, true);
    const o = spec?.option as Opt;
    expect(o.series[0].data).toContainEqual([0, 0, 0.909]);
    expect(o.visualMap.max).toBe(1);
    expect(spec?.summary).toContain("0 0.909, 1 0.6");
  });

  it("centroids: a heatmap of cluster x feature; CV folds: a line per metric with its mean", () => {
    const cen = centroidsChart({ ...NONE, task: "clustering", clusters: { sizes: [], centroids: { features: ["age", "income"], values: [[1, 2], [3, 4]] } } });
    expect((cen?.option as Opt).series[0].data).toEqual([[0, 0, 1], [1, 0, 2], [0, 1, 3], [1, 1, 4]]);
    const cv = cvFoldsChart({ ...NONE, cv: { type: "k_fold", folds: 3, metrics: { accuracy: { mean: 0.8, std: 0.05, folds: [0.75, 0.8, 0.85] } } } });
    const o = cv?.option as Opt;
    expect(o.xAxis.data).toEqual(["1", "2", "3"]);
    expect(o.series[0].data).toEqual([0.75, 0.8, 0.85]);
    expect(o.series[0].markLine.data[0].yAxis).toBe(0.8);
    expect(cv?.summary).toContain("accuracy 0.8 ± 0.05");
  });

  it("cluster sizes: one bar per cluster", () => {
    const spec = clusterSizesChart({
      ...NONE,
      task: "clustering",
      clusters: { sizes: [{ cluster: 0, size: 10 }, { cluster: 1, size: 4 }], centroids: { features: [], values: [] } },
    });
    expect((spec?.option as Opt).series[0].data).toEqual([10, 4]);
  });

  it("evaluationCharts draws every kind present, in order", () => {
    const titles = evaluationCharts({
      ...NONE,
      confusion_matrix: { labels: ["0", "1"], counts: [[1, 0], [0, 1]], normalized: [] },
      roc_curves: [{ label: "1", fpr: [0, 1], tpr: [0, 1], auc: 0.5 }],
      clusters: { sizes: [{ cluster: 0, size: 2 }], centroids: { features: [], values: [] } },
    }).map((c) => c.title);
    expect(titles).toEqual(["Confusion matrix (test)", "ROC curve", "Cluster sizes"]);
  });
});

describe("metrics and profile option builders", () => {
  it("metrics by split: bars for the metrics in [-1, 1], one series per split", () => {
    const o = metricsChart({ train_accuracy: 0.9, test_accuracy: 0.8, test_rmse: 12.5, test_log_loss: 0.4 })?.option as Opt;
    expect(o.xAxis.data).toEqual(["accuracy"]);
    expect(o.series.map((s: Opt) => [s.name, s.data])).toEqual([
      ["train", [0.9]],
      ["test", [0.8]],
    ]);
    expect(metricsChart({})).toBeNull();
  });

  const column: ColumnProfile = {
    name: "age",
    dtype: "Float64",
    kind: "numeric",
    missing_count: 3,
    missing_ratio: 0.1,
    unique_count: 20,
    top_values: [],
    histogram: { edges: [0, 10, 20], counts: [4, 6] },
  };

  it("a numeric column draws its histogram, a categorical one its top values", () => {
    const hist = columnChart(column);
    expect(hist?.title).toBe("age: histogram");
    expect((hist?.option as Opt).series[0].data).toEqual([4, 6]);
    const top = columnChart({ ...column, name: "city", kind: "categorical", histogram: null, top_values: [{ value: "A", count: 5 }, { value: null, count: 2 }] });
    expect(top?.title).toBe("city: top values");
    expect((top?.option as Opt).yAxis.data).toEqual(["(missing)", "A"]);
    expect(columnChart({ ...column, histogram: null })).toBeNull();
  });

  it("missing values: percent per column and a summary naming them", () => {
    const spec = missingChart([column, { ...column, name: "city", missing_count: 0, missing_ratio: 0 }]);
    expect((spec.option as Opt).series[0].data).toEqual([10, 0]);
    expect(spec.summary).toBe("1 of 2 columns have missing values: age 10%.");
  });
});
