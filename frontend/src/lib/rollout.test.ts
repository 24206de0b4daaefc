import { describe, expect, it } from "vitest";
import { canarySplit, clampPercent, hasCanary, targetText } from "./rollout";

describe("rollout", () => {
  it("shows all traffic on the version without a canary", () => {
    expect(canarySplit({ model_version: 2, canary_percent: 0 })).toBe("v2 100%");
    expect(canarySplit({ model_version: 2, canary_version: 3, canary_percent: 0 })).toBe("v2 100%");
    expect(hasCanary({ model_version: 2, canary_version: null, canary_percent: 30 })).toBe(false);
  });

  it("splits the traffic with a canary", () => {
    expect(canarySplit({ model_version: 2, canary_version: 3, canary_percent: 50 })).toBe("v2 50% · v3 50% (canary)");
    expect(canarySplit({ model_version: 1, canary_version: 4, canary_percent: 10 })).toBe("v1 90% · v4 10% (canary)");
  });

  it("names the alias a deployment follows", () => {
    expect(targetText({ model_version: 2, model_alias: "champion", canary_percent: 0 })).toBe("v2 (follows alias champion)");
    expect(targetText({ model_version: 2, model_alias: null, canary_percent: 0 })).toBe("v2");
  });

  it("keeps a typed percent within 0-100", () => {
    expect(clampPercent(150)).toBe(100);
    expect(clampPercent(-5)).toBe(0);
    expect(clampPercent(33.6)).toBe(34);
    expect(clampPercent(Number.NaN)).toBe(0);
  });
});
