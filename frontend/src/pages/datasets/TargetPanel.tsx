// Target analysis: pick a target column; see its class balance (or distribution), each feature's
// association with it, and the features that may leak it.

import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { client, unwrap } from "../../api/client";
import type { DatasetProfile } from "../../api/contracts";
import { associationChart, balanceChart } from "../../charts/profile";
import { Chart } from "../../components/Chart";
import { Empty, ErrorState, Loading } from "../../components/States";
import { formatNumber } from "../../lib/format";

export function TargetPanel({ datasetId, version, profile }: { datasetId: string; version: number; profile: DatasetProfile }) {
  const [target, setTarget] = useState("");
  const analysis = useQuery({
    queryKey: ["datasets", datasetId, "target", version, target],
    enabled: target !== "",
    queryFn: () =>
      unwrap(client.GET("/api/v1/datasets/{dataset_id}/target", { params: { path: { dataset_id: datasetId }, query: { target, version } } })),
  });
  const balance = useMemo(() => (analysis.data ? balanceChart(analysis.data.analysis) : null), [analysis.data]);
  const associations = useMemo(() => (analysis.data ? associationChart(analysis.data.analysis) : null), [analysis.data]);
  return (
    <section className="panel" aria-labelledby="target-title">
      <div className="panel-head">
        <h2 id="target-title">Target</h2>
        <label>
          Target column{" "}
          <select value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">Choose a column…</option>
            {profile.columns.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {target === "" && <Empty>Choose the column a model would predict to see its balance and what relates to it.</Empty>}
      {target !== "" && analysis.isPending && <Loading what={`the analysis of ${target}`} />}
      {analysis.isError && <ErrorState title={`Could not analyse ${target}`} error={analysis.error} />}
      {analysis.data !== undefined && (
        <div data-testid="target-analysis">
          <p className="muted small">
            {analysis.data.analysis.task === "classification" ? "Classification" : "Regression"} target · version {analysis.data.version}
            {analysis.data.analysis.std != null && ` · std ${formatNumber(analysis.data.analysis.std, 3)}`}
          </p>
          {analysis.data.alerts.length > 0 && (
            <ul className="alerts" aria-label="Target leakage alerts">
              {analysis.data.alerts.map((a, i) => (
                <li key={i} className={`alert alert-${a.severity}`}>
                  <span className={`badge badge-${a.severity}`}>{a.severity}</span>
                  {a.column !== null && <code>{a.column}</code>}
                  <span>{a.message}</span>
                </li>
              ))}
            </ul>
          )}
          <div className="column-grid">
            {balance !== null && <Chart title={balance.title} summary={balance.summary} option={balance.option} height={240} testId="target-balance" />}
            {associations !== null ? (
              <Chart
                title={associations.title}
                summary={associations.summary}
                option={associations.option}
                height={Math.max(200, 40 + 22 * Math.min(analysis.data.analysis.associations.length, 20))}
                testId="target-associations"
              />
            ) : (
              <Empty>No feature could be compared with {target}.</Empty>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
