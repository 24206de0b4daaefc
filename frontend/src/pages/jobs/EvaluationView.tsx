import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { ApiError, client, unwrap } from "../../api/client";
import type { ModelEvaluation } from "../../api/contracts";
import { evaluationCharts } from "../../charts/evaluation";
import { Chart } from "../../components/Chart";
import { MetricsTable } from "../../components/MetricsTable";
import { Empty, ErrorState, Loading } from "../../components/States";
import { formatNumber } from "../../lib/format";

/** The model's metrics flattened back to `split_name` keys, for MetricsTable. */
export function flatMetrics(m: ModelEvaluation["metrics"]): Record<string, number> {
  const flat: Record<string, number> = {};
  for (const [split, values] of Object.entries(m)) {
    for (const [name, v] of Object.entries(values ?? {})) flat[`${split}_${name}`] = v;
  }
  return flat;
}

/** nested_cv: the parameters the inner search chose in each outer fold. */
export function FoldParams({ params }: { params: Record<string, unknown>[] }) {
  const names = [...new Set(params.flatMap((p) => Object.keys(p)))].sort();
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption>Parameters chosen in each outer fold</caption>
        <thead>
          <tr>
            <th scope="col">Outer fold</th>
            {names.map((n) => (
              <th key={n} scope="col">
                {n}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {params.map((p, i) => (
            <tr key={i}>
              <th scope="row">{i + 1}</th>
              {names.map((n) => (
                <td key={n}>{typeof p[n] === "number" ? formatNumber(p[n] as number) : String(p[n] ?? "")}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ModelEvaluationView({ model, showMetrics }: { model: ModelEvaluation; showMetrics: boolean }) {
  const charts = useMemo(() => evaluationCharts(model), [model]);
  const title = `${model.model_type} · ${model.node_id}`;
  return (
    <section className="panel" aria-label={`Evaluation of ${title}`}>
      <div className="panel-head">
        <h2>
          Evaluation: {model.model_type} <span className="muted small">({model.node_id})</span>
        </h2>
        <span className="tag">{model.task}</span>
      </div>
      {showMetrics && <MetricsTable metrics={flatMetrics(model.metrics)} caption={`Metrics of ${title} by split`} />}
      {model.cv !== null && model.cv !== undefined && (
        <div className="table-scroll">
          <table className="data-table">
            <caption>
              {model.cv.type === "nested_cv"
                ? `Nested cross-validation: ${model.cv.folds} outer folds; the search ran again inside each, and each score is on rows its search never saw`
                : `Cross-validation: ${model.cv.type}, ${model.cv.folds} folds`}
            </caption>
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col" className="num">
                  Mean
                </th>
                <th scope="col" className="num">
                  Std
                </th>
                <th scope="col">Folds</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(model.cv.metrics).map(([name, m]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td className="num">{formatNumber(m.mean)}</td>
                  <td className="num">{formatNumber(m.std)}</td>
                  <td>{m.folds.map((f) => formatNumber(f, 3)).join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {model.cv?.fold_params && model.cv.fold_params.length > 0 && <FoldParams params={model.cv.fold_params} />}
      {charts.length === 0 ? (
        <Empty>This model has no evaluation data to chart.</Empty>
      ) : (
        <div className="chart-grid">
          {charts.map((c) => (
            <Chart key={c.title} title={c.title} summary={c.summary} option={c.option} height={280} />
          ))}
        </div>
      )}
    </section>
  );
}

/**
 * Every kind of evaluation data each model of a job (or a model version) has, as charts. A gateway without the
 * evaluation route (404) leaves the metrics table alone on the page.
 */
export type EvaluationSource = { jobId: string } | { modelName: string; version: number };

export function EvaluationView({ source, showMetrics }: { source: EvaluationSource; showMetrics: boolean }) {
  const evaluation = useQuery({
    queryKey: "jobId" in source ? ["jobs", source.jobId, "evaluation"] : ["models", source.modelName, "versions", source.version, "evaluation"],
    queryFn: ({ signal }) =>
      unwrap(
        "jobId" in source
          ? client.GET("/api/v1/jobs/{job_id}/evaluation", { params: { path: { job_id: source.jobId } }, signal })
          : client.GET("/api/v1/models/{name}/versions/{version}/evaluation", {
              params: { path: { name: source.modelName, version: String(source.version) } },
              signal,
            }),
      ),
    staleTime: Infinity,
  });
  if (evaluation.isPending) return <Loading what="evaluation" />;
  if (evaluation.isError) {
    const err = evaluation.error;
    if (err instanceof ApiError && err.status === 404) {
      return <p className="muted">Evaluation charts are not available from this gateway; the metrics above are all there is ({err.message}).</p>;
    }
    return <ErrorState title="Could not read the evaluation" error={err} />;
  }
  if (evaluation.data.models.length === 0) return <Empty>The evaluation has no models.</Empty>;
  return (
    <>
      {evaluation.data.models.map((m) => (
        <ModelEvaluationView key={m.node_id} model={m} showMetrics={showMetrics} />
      ))}
    </>
  );
}
