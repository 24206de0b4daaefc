// How a deployment's traffic is split between its version and its canary, in words.

export interface RolloutTarget {
  model_version: number;
  model_alias?: string | null;
  canary_version?: number | null;
  canary_percent: number;
}

/** True when a canary takes part of the traffic (a version and a percent above 0). */
export function hasCanary(t: RolloutTarget): boolean {
  return t.canary_version !== null && t.canary_version !== undefined && t.canary_percent > 0;
}

/** "v2 100%", or "v2 50% · v3 50% (canary)" while a canary takes part of the traffic. */
export function canarySplit(t: RolloutTarget): string {
  if (!hasCanary(t)) return `v${t.model_version} 100%`;
  const canary = Math.min(100, Math.max(0, Math.round(t.canary_percent)));
  return `v${t.model_version} ${100 - canary}% · v${t.canary_version} ${canary}% (canary)`;
}

/** "v2", or "v2 (follows alias champion)". */
export function targetText(t: RolloutTarget): string {
  const alias = t.model_alias ?? "";
  return alias === "" ? `v${t.model_version}` : `v${t.model_version} (follows alias ${alias})`;
}

/** A percent typed by a person, kept to a whole number in 0-100 (0 when it is not a number). */
export function clampPercent(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(100, Math.max(0, Math.round(value)));
}
