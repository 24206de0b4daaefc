// The profile's correlation matrices as a heatmap, one method at a time.

import { useMemo, useState } from "react";
import type { DatasetProfile } from "../../api/contracts";
import { CORRELATION_LABELS, correlationChart, type CorrelationMethod } from "../../charts/profile";
import { Chart } from "../../components/Chart";
import { Empty } from "../../components/States";

const METHODS: CorrelationMethod[] = ["pearson", "spearman", "cramers_v"];

export function CorrelationsPanel({ profile }: { profile: DatasetProfile }) {
  const available = METHODS.filter((m) => (profile.correlations?.[m]?.columns.length ?? 0) > 1);
  const [method, setMethod] = useState<CorrelationMethod | null>(null);
  const chosen = method !== null && available.includes(method) ? method : (available[0] ?? null);
  const matrix = chosen !== null ? profile.correlations?.[chosen] : null;
  const chart = useMemo(() => (matrix && chosen ? correlationChart(matrix, chosen) : null), [matrix, chosen]);
  const height = Math.min(640, 180 + 26 * (matrix?.columns.length ?? 0));
  return (
    <section className="panel" aria-labelledby="correlations-title">
      <div className="panel-head">
        <h2 id="correlations-title">Correlations</h2>
        {available.length > 0 && (
          <label>
            Method{" "}
            <select value={chosen ?? ""} onChange={(e) => setMethod(e.target.value as CorrelationMethod)}>
              {available.map((m) => (
                <option key={m} value={m}>
                  {CORRELATION_LABELS[m]}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {chart === null ? (
        <Empty>Not enough numeric or categorical columns to correlate.</Empty>
      ) : (
        <Chart title={chart.title} summary={chart.summary} option={chart.option} height={height} testId="correlation-heatmap" />
      )}
    </section>
  );
}
