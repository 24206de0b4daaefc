import { describe, expect, it } from "vitest";
import { groupCatalog } from "./Palette";
import type { NodeInfo } from "./queries";

const info = (id: string, group: string, description = ""): NodeInfo => ({
  id,
  group,
  description,
  learns: false,
  train_only: false,
  params_schema: {},
});

const catalog = [
  info("random_forest_classifier", "model", "Averaged ensemble of randomised decision trees."),
  info("GeneralBinning", "binning"),
  info("StandardScaler", "scaling", "Centres and scales to unit variance."),
  info("DropMissingColumns", "cleaning"),
  info("TrainTestSplitter", "splitting"),
  info("NewThing", "zzz-new-group"),
];

describe("the palette's groups", () => {
  it("orders groups the way a pipeline is built, new groups last", () => {
    expect(groupCatalog(catalog, "").map(([g]) => g)).toEqual(["cleaning", "splitting", "scaling", "binning", "model", "zzz-new-group"]);
  });

  it("searches ids, groups and descriptions, case-insensitively", () => {
    expect(groupCatalog(catalog, "scal").flatMap(([, n]) => n.map((x) => x.id))).toEqual(["StandardScaler"]);
    expect(groupCatalog(catalog, "DECISION TREES").flatMap(([, n]) => n.map((x) => x.id))).toEqual(["random_forest_classifier"]);
    expect(groupCatalog(catalog, "binning").map(([g]) => g)).toEqual(["binning"]);
    expect(groupCatalog(catalog, "nothing like this")).toEqual([]);
  });
});
