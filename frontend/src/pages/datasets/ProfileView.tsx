import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { client, unwrap } from "../../api/client";
import type { ColumnProfile } from "../../api/contracts";
import { columnChart, missingChart } from "../../charts/profile";
import { Chart } from "../../components/Chart";
import { Empty, ErrorState, Loading } from "../../components/States";
import { formatNumber } from "../../lib/format";
import { CorrelationsPanel } from "./CorrelationsPanel";
import { TargetPanel } from "./TargetPanel";

const FIRST_COLUMNS = 12;

function ColumnCard({ col }: { col: ColumnProfile }) {
  const chart = useMemo(() => columnChart(col), [col]);
  return (
    <li className="column-card">
      <h3>
        {col.name} <span className="tag">{col.kind}</span> <span className="tag">{col.dtype}</span>
      </h3>
      <p className="muted small">
        {col.unique_count.toLocaleString("en-US")} distinct · {col.missing_count} missing ({formatNumber(col.missing_ratio * 100, 1)}%)
        {col.mean !== null && col.mean !== undefined && ` · mean ${formatNumber(col.mean, 3)}`}
        {col.min !== null && col.min !== undefined && ` · min ${formatNumber(col.min, 3)}`}
        {col.max !== null && col.max !== undefined && ` · max ${formatNumber(col.max, 3)}`}
      </p>
      {chart !== null ? (
        <Chart title={chart.title} summary={chart.summary} option={chart.option} height={200} />
      ) : (
        <Empty>No distribution to draw for this column.</Empty>
      )}
    </li>
  );
}

/** A dataset version's profile: missing values across columns, each column's distribution, and the alerts. */
export function ProfileView({ datasetId, version }: { datasetId: string; version: number }) {
  const [all, setAll] = useState(false);
  const profile = useQuery({
    queryKey: ["datasets", datasetId, "profile", version],
    queryFn: () =>
      unwrap(client.GET("/api/v1/datasets/{dataset_id}/profile", { params: { path: { dataset_id: datasetId }, query: { version } } })),
  });
  const missing = useMemo(() => (profile.data ? missingChart(profile.data.columns) : null), [profile.data]);
  if (profile.isPending) return <Loading what="profile" />;
  if (profile.isError) return <ErrorState title={`Could not read the profile of version ${version}`} error={profile.error} />;
  const p = profile.data;
  const shown = all ? p.columns : p.columns.slice(0, FIRST_COLUMNS);
  const order: Record<string, number> = { critical: 0, warning: 1, info: 2 };
  const alerts = [...p.alerts].sort((a, b) => (order[a.severity] ?? 3) - (order[b.severity] ?? 3));
  return (
    <>
      <section className="panel" aria-labelledby="alerts-title">
        <div className="panel-head">
          <h2 id="alerts-title">Alerts</h2>
          <span className="muted">
            Version {p.version} · {p.duplicate_rows} duplicate rows · {alerts.length} alerts
          </span>
        </div>
        {alerts.length === 0 ? (
          <Empty>No data-quality alerts.</Empty>
        ) : (
          <ul className="alerts" aria-label="Data-quality alerts">
            {alerts.map((a, i) => (
              <li key={i} className={`alert alert-${a.severity}`}>
                <span className={`badge badge-${a.severity}`}>{a.severity}</span>
                {a.column !== null && <code>{a.column}</code>}
                <span>{a.message}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {missing !== null && (
        <section className="panel" aria-labelledby="missing-title">
          <h2 id="missing-title" className="visually-hidden">
            Missing values
          </h2>
          <Chart title={missing.title} summary={missing.summary} option={missing.option} height={240} testId="missing-chart" />
        </section>
      )}
      <CorrelationsPanel profile={p} />
      <TargetPanel datasetId={datasetId} version={p.version} profile={p} />
      <section className="panel" aria-labelledby="columns-title">
        <div className="panel-head">
          <h2 id="columns-title">Columns</h2>
          {p.columns.length > FIRST_COLUMNS && (
            <button type="button" onClick={() => setAll(!all)}>
              {all ? `Show the first ${FIRST_COLUMNS}` : `Show all ${p.columns.length} columns`}
            </button>
          )}
        </div>
        {p.columns.length === 0 ? (
          <Empty>The profile has no columns.</Empty>
        ) : (
          <ul className="column-grid">
            {shown.map((c) => (
              <ColumnCard key={c.name} col={c} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
