// A study's trials, sortable by number, state, score, duration and worker (click a header).
import { useState } from "react";
import type { Study } from "../../api/contracts";
import { formatNumber } from "../../lib/format";
import { sortTrials, type TrialSortKey } from "./trials";

const COLUMNS: { key: TrialSortKey; label: string; num?: boolean }[] = [
  { key: "number", label: "Trial", num: true },
  { key: "state", label: "State" },
  { key: "value", label: "Score", num: true },
  { key: "duration_s", label: "Duration (s)", num: true },
  { key: "worker", label: "Worker" },
];

export function formatParams(params: Record<string, unknown> | undefined): string {
  return Object.entries(params ?? {})
    .map(([k, v]) => `${k}=${typeof v === "number" ? formatNumber(v, 4) : JSON.stringify(v)}`)
    .join(", ");
}

export function TrialsTable({ study }: { study: Study }) {
  const [sort, setSort] = useState<{ key: TrialSortKey; ascending: boolean }>({ key: "number", ascending: true });
  const rows = sortTrials(study.trials ?? [], sort.key, sort.ascending);
  const caption = `Trials of ${study.node_id} (${study.metric}, ${study.direction === "maximize" ? "higher" : "lower"} is better)`;
  return (
    <div className="table-scroll trials-table" tabIndex={0} role="region" aria-label={caption}>
      <table className="data-table compact">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {COLUMNS.map((c) => {
              const active = sort.key === c.key;
              return (
                <th
                  key={c.key}
                  scope="col"
                  className={c.num ? "num" : undefined}
                  aria-sort={active ? (sort.ascending ? "ascending" : "descending") : "none"}
                >
                  <button
                    type="button"
                    className="sort-button"
                    onClick={() => setSort({ key: c.key, ascending: active ? !sort.ascending : c.key !== "value" || study.direction === "minimize" })}
                  >
                    {c.label}
                    <span aria-hidden="true">{active ? (sort.ascending ? " ▲" : " ▼") : ""}</span>
                  </button>
                </th>
              );
            })}
            <th scope="col">Params</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr key={t.number} className={t.number === study.best_trial ? "best-trial" : undefined}>
              <td className="num">
                {t.number}
                {t.number === study.best_trial && <span className="tag small"> best</span>}
              </td>
              <td>
                <span className={`trial-state trial-${t.state.toLowerCase()}`}>{t.state}</span>
                {t.error !== null && t.error !== undefined && <span className="trial-error">: {t.error}</span>}
              </td>
              <td className="num">{formatNumber(t.value)}</td>
              <td className="num">{formatNumber(t.duration_s, 2)}</td>
              <td>{t.worker ?? "—"}</td>
              <td className="trial-params">{formatParams(t.params)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
