import { describe, expect, it } from "vitest";
import { betterSide, groupMetricsBySplit, headlineMetric, sortBySplit, splitOfKey } from "./metrics";

describe("groupMetricsBySplit", () => {
  it("groups flat keys by their split prefix, splits in train → validation → test order", () => {
    const table = groupMetricsBySplit({
      test_accuracy: 0.8,
      train_accuracy: 0.95,
      val_accuracy: 0.85,
      test_f1: 0.7,
      train_f1: 0.9,
      n_features: 12,
    });
    expect(table.splits).toEqual(["train", "validation", "test", "overall"]);
    expect(table.rows).toEqual([
      { metric: "accuracy", values: { test: 0.8, train: 0.95, validation: 0.85 } },
      { metric: "f1", values: { test: 0.7, train: 0.9 } },
      { metric: "n_features", values: { overall: 12 } },
    ]);
  });

  it("keeps the rest of a metric name with underscores and skips non-numbers", () => {
    const table = groupMetricsBySplit({ test_balanced_accuracy: 0.5, test_note: "x", train_roc_auc: 0.9 });
    expect(table.rows.map((r) => r.metric)).toEqual(["balanced_accuracy", "roc_auc"]);
    expect(table.splits).toEqual(["train", "test"]);
  });

  it("is empty for no metrics", () => {
    expect(groupMetricsBySplit(null)).toEqual({ splits: [], rows: [] });
  });

  it("does not take a bare prefix for a split", () => {
    expect(splitOfKey("test_")).toEqual({ split: "overall", metric: "test_" });
    expect(splitOfKey("trainer_loss")).toEqual({ split: "overall", metric: "trainer_loss" });
  });

  it("sorts keys by split", () => {
    expect(sortBySplit(["test_a", "train_a", "x", "val_a", "train_b"])).toEqual(["train_a", "train_b", "val_a", "test_a", "x"]);
  });
});

describe("headlineMetric", () => {
  it("prefers test accuracy, then test R², then any test metric", () => {
    expect(headlineMetric({ train_accuracy: 1, test_accuracy: 0.8, test_r2: 0.5 })).toEqual({ name: "test_accuracy", value: 0.8 });
    expect(headlineMetric({ test_rmse: 3, test_r2: 0.5 })).toEqual({ name: "test_r2", value: 0.5 });
    expect(headlineMetric({ train_mae: 1, test_mae: 2 })).toEqual({ name: "test_mae", value: 2 });
    expect(headlineMetric({})).toBeNull();
  });
});

describe("betterSide", () => {
  it("knows which metrics are better low", () => {
    expect(betterSide("accuracy", 0.8, 0.9)).toBe("b");
    expect(betterSide("rmse", 1.5, 2.5)).toBe("a");
    expect(betterSide("log_loss", 0.3, 0.2)).toBe("b");
    expect(betterSide("f1", 0.5, 0.5)).toBeNull();
    expect(betterSide("f1", 0.5, undefined)).toBeNull();
  });
});
