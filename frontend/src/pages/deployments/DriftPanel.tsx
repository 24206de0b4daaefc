import { useState, type FormEvent } from "react";
import type { Schemas } from "../../api/client";
import { useDatasets } from "../../canvas/queries";
import { Chart } from "../../components/Chart";
import { ErrorState } from "../../components/States";
import { StatusBadge } from "../../components/StatusBadge";
import { formatDate, formatNumber } from "../../lib/format";
import { useCreateDriftReport, useDriftReports, useUpdateDeployment, type DriftReport } from "./queries";

type Deployment = Schemas["DeploymentPublic"];
type DriftColumn = Schemas["DriftColumn"];

const SEVERITY_COLOURS: Record<string, string> = { none: "#3f9d58", low: "#c9a227", medium: "#e07b24", high: "#c8372d" };

/** PSI per column, each bar coloured by the column's severity. */
export function driftOption(columns: DriftColumn[]) {
  return {
    grid: { left: 56, right: 20, top: 28, bottom: 40, containLabel: true },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: columns.map((c) => c.name), axisLabel: { hideOverlap: true } },
    yAxis: { type: "value", name: "PSI" },
    series: [
      {
        type: "bar",
        name: "PSI",
        data: columns.map((c) => ({
          value: Number((c.tests.find((t) => t.test === "psi")?.value ?? 0).toFixed(4)),
          itemStyle: { color: SEVERITY_COLOURS[c.severity] },
        })),
      },
    ],
  };
}

/** The reference's and the current data's share per bin of one column. */
export function sharesOption(column: DriftColumn) {
  return {
    grid: { left: 56, right: 20, top: 36, bottom: 40, containLabel: true },
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    xAxis: { type: "category", data: column.bins, axisLabel: { hideOverlap: true } },
    yAxis: { type: "value", name: "share" },
    series: [
      { type: "bar", name: "training (reference)", data: column.reference_shares.map((s) => Number(s.toFixed(4))) },
      { type: "bar", name: "current", data: column.current_shares.map((s) => Number(s.toFixed(4))) },
    ],
  };
}

function testText(c: DriftColumn): string {
  return c.tests.map((t) => `${t.test} ${formatNumber(t.value, 3)}${t.p_value != null ? ` (p ${formatNumber(t.p_value, 2)})` : ""}`).join(", ");
}

function ReportView({ report }: { report: DriftReport }) {
  const [columnName, setColumnName] = useState("");
  const result = report.result;
  if (result == null) return null;
  const ordered = [...result.columns].sort((a, b) => ["none", "low", "medium", "high"].indexOf(b.severity) - ["none", "low", "medium", "high"].indexOf(a.severity));
  const column = ordered.find((c) => c.name === columnName) ?? ordered[0];
  return (
    <div data-testid="drift-report">
      {result.alert && (
        <div className="state state-error" role="alert" data-testid="drift-alert">
          <strong>Drift alert ({result.severity}): </strong>
          {result.drifted.join(", ")} moved away from the training data.
          {result.alert_delivery && (
            <span data-testid="drift-alert-delivery">
              {" "}
              {result.alert_delivery.status === "delivered"
                ? `Sent to ${result.alert_delivery.target}.`
                : `Not sent to ${result.alert_delivery.target} after ${result.alert_delivery.attempts} attempt(s): ${result.alert_delivery.error ?? "no answer"}.`}
            </span>
          )}
        </div>
      )}
      <p className="muted">
        {result.n_current} current rows against {result.n_reference} training rows
        {result.missing_columns.length > 0 && `; absent from the current data: ${result.missing_columns.join(", ")}`}
      </p>
      <Chart
        title="Population stability index per column"
        summary={ordered.map((c) => `${c.name}: ${c.severity}`).join("; ")}
        option={driftOption(ordered)}
        height={220}
        testId="drift-chart"
      />
      <table className="table" data-testid="drift-columns">
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Kind</th>
            <th scope="col">Severity</th>
            <th scope="col">Tests</th>
          </tr>
        </thead>
        <tbody>
          {ordered.map((c) => (
            <tr key={c.name} data-testid={`drift-${c.name}`}>
              <td>
                <button type="button" className="button-link" onClick={() => setColumnName(c.name)}>
                  {c.name}
                </button>
              </td>
              <td>{c.kind}</td>
              <td>
                <span className={`badge severity-${c.severity}`}>{c.severity}</span>
              </td>
              <td>{testText(c)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {column !== undefined && (
        <Chart
          title={`${column.name}: training against current`}
          summary={`share of rows per ${column.kind === "numeric" ? "bin" : "category"} of ${column.name}, in the training data and in the current data`}
          option={sharesOption(column)}
          height={220}
          testId="drift-column-chart"
        />
      )}
    </div>
  );
}

/** Input logging, drift reports against a dataset or the logged inputs, and the latest report. */
export function DriftPanel({ dep }: { dep: Deployment }) {
  const datasets = useDatasets();
  const reports = useDriftReports(dep.id);
  const create = useCreateDriftReport(dep.id);
  const update = useUpdateDeployment(dep.id);
  const ready = (datasets.data ?? []).filter((d) => d.status === "READY");
  const [source, setSource] = useState("dataset");
  const [datasetId, setDatasetId] = useState("");
  const [days, setDays] = useState(1);
  const [rate, setRate] = useState(String(dep.log_sample_rate));
  const chosen = datasetId !== "" ? datasetId : (ready[0]?.id ?? "");
  const [selected, setSelected] = useState("");
  const list = reports.data?.reports ?? [];
  const shown = list.find((r) => r.id === selected) ?? list.find((r) => r.status === "SUCCEEDED");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(source === "dataset" ? { dataset_id: chosen } : { days }, { onSuccess: (r) => setSelected(r.id) });
  };
  const saveRate = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ log_sample_rate: Number(rate), settings_only: true });
  };

  return (
    <section className="panel" aria-labelledby="drift-title">
      <div className="panel-head">
        <h2 id="drift-title">Drift</h2>
        <span className="muted">current data against the served version's training statistics</span>
      </div>
      <form className="form-actions" onSubmit={saveRate} aria-label="Input logging">
        <label className="inline-field">
          Log inputs (share of calls)
          <input type="number" min={0} max={1} step={0.05} value={rate} className="percent-input" onChange={(e) => setRate(e.target.value)} />
        </label>
        <button type="submit" className="button-secondary" disabled={update.isPending || Number(rate) === dep.log_sample_rate}>
          Save logging
        </button>
      </form>
      {update.isError && <ErrorState title="Could not change input logging" error={update.error} />}
      <form className="form-actions" onSubmit={submit} aria-label="Check drift">
        <label className="inline-field">
          Current data
          <select value={source} onChange={(e) => setSource(e.target.value)}>
            <option value="dataset">a dataset</option>
            <option value="logged">inputs logged by this endpoint</option>
          </select>
        </label>
        {source === "dataset" ? (
          <label className="inline-field">
            Drift dataset
            <select value={chosen} onChange={(e) => setDatasetId(e.target.value)} disabled={ready.length === 0}>
              {ready.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} ({d.n_rows} rows)
                </option>
              ))}
            </select>
          </label>
        ) : (
          <label className="inline-field">
            Days
            <input type="number" min={1} max={90} value={days} className="percent-input" onChange={(e) => setDays(e.target.valueAsNumber)} />
          </label>
        )}
        <button type="submit" disabled={create.isPending || (source === "dataset" && chosen === "")}>
          Check drift
        </button>
      </form>
      {create.isError && <ErrorState title="Could not start the drift report" error={create.error} />}
      {reports.isError && <ErrorState title="Could not list the drift reports" error={reports.error} />}
      {list.length > 0 && (
        <table className="table" data-testid="drift-reports">
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Current data</th>
              <th scope="col">Status</th>
              <th scope="col">Severity</th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => (
              <tr key={r.id} aria-selected={r.id === shown?.id}>
                <td>
                  <button type="button" className="button-link" onClick={() => setSelected(r.id)}>
                    {formatDate(r.created_at)}
                  </button>
                </td>
                <td>{r.source === "dataset" ? `dataset (${r.n_rows || "…"} rows)` : `logged inputs, ${r.days} day(s)`}</td>
                <td>
                  <StatusBadge status={r.status} />
                  {r.error && <div className="state-error">{r.error}</div>}
                </td>
                <td>{r.severity && <span className={`badge severity-${r.severity}`}>{r.severity}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown !== undefined && <ReportView key={shown.id} report={shown} />}
    </section>
  );
}
