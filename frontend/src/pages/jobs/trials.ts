// A tuning job's studies: polled from GET /api/v1/jobs/{id}/trials while the job runs, with the
// trials its `trial` events announce merged in between two polls, and the derived views the
// Tuning panel draws (best so far, sorted trials).
import { useQuery } from "@tanstack/react-query";
import { client, unwrap } from "../../api/client";
import type { Study, Trial, TrialList } from "../../api/contracts";
import type { TrialEvent } from "../../canvas/panels";

export function useTrials(jobId: string, active: boolean) {
  return useQuery({
    queryKey: ["jobs", jobId, "trials"],
    queryFn: async ({ signal }) =>
      (await unwrap(client.GET("/api/v1/jobs/{job_id}/trials", { params: { path: { job_id: jobId } }, signal }))) satisfies TrialList,
    refetchInterval: active ? 2000 : false,
  });
}

/** The studies with the trials from events added (a trial the server already lists wins). */
export function mergeTrials(studies: Study[], events: TrialEvent[]): Study[] {
  if (events.length === 0) return studies;
  return studies.map((study) => {
    const fresh = events.filter((e) => e.nodeId === study.node_id).map((e) => e.trial);
    if (fresh.length === 0) return study;
    const byNumber = new Map<number, Trial>(fresh.map((t) => [t.number, t]));
    for (const t of study.trials ?? []) if (t.state !== "RUNNING" || !byNumber.has(t.number)) byNumber.set(t.number, t);
    return { ...study, trials: [...byNumber.values()].sort((a, b) => a.number - b.number) };
  });
}

/** Whether `a` is a better score than `b` in the study's direction. */
export function better(direction: Study["direction"], a: number, b: number): boolean {
  return direction === "maximize" ? a > b : a < b;
}

/** For each finished trial in order: its number, its value and the best value up to it. */
export function bestSoFar(study: Study): { number: number; value: number; best: number }[] {
  const out: { number: number; value: number; best: number }[] = [];
  let best: number | null = null;
  for (const t of [...(study.trials ?? [])].sort((a, b) => a.number - b.number)) {
    if (t.state !== "COMPLETE" || typeof t.value !== "number" || !Number.isFinite(t.value)) continue;
    if (best === null || better(study.direction, t.value, best)) best = t.value;
    out.push({ number: t.number, value: t.value, best });
  }
  return out;
}

export type TrialSortKey = "number" | "state" | "value" | "duration_s" | "worker";

/** Trials sorted by a column; missing values go last whichever the direction. */
export function sortTrials(trials: Trial[], key: TrialSortKey, ascending: boolean): Trial[] {
  const sign = ascending ? 1 : -1;
  return [...trials].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    if (x === null || x === undefined) return y === null || y === undefined ? a.number - b.number : 1;
    if (y === null || y === undefined) return -1;
    const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
    return c === 0 ? a.number - b.number : sign * c;
  });
}
