// The Tuning panel of a job with tuned model nodes: per study, the score over trials with the
// best so far, the parameter importances, the best params and the trials. While the job runs the
// trials are polled and the `trial` events fill in between two polls.
import { useMemo } from "react";
import type { Study } from "../../api/contracts";
import { useJobEvents } from "../../canvas/panels";
import { paramImportanceChart, trialsChart } from "../../charts/tuning";
import { Chart } from "../../components/Chart";
import { Empty, ErrorState, Loading } from "../../components/States";
import { formatNumber } from "../../lib/format";
import { TrialsTable } from "./TrialsTable";
import { mergeTrials, useTrials } from "./trials";
import "./tuning.css";

function StudyView({ study }: { study: Study }) {
  const score = useMemo(() => trialsChart(study), [study]);
  const importances = useMemo(() => paramImportanceChart(study), [study]);
  const trials = study.trials ?? [];
  const finished = trials.filter((t) => t.state !== "RUNNING").length;
  const best = Object.entries(study.best_params ?? {});
  return (
    <section className="panel study" aria-labelledby={`study-${study.node_id}`}>
      <div className="panel-head">
        <h2 id={`study-${study.node_id}`}>
          Tuning: {study.node_id} <span className="muted small">({study.strategy})</span>
        </h2>
        <span className="tag">{study.state}</span>
      </div>
      <dl className="facts">
        <div>
          <dt>Metric</dt>
          <dd>
            {study.metric} ({study.direction})
          </dd>
        </div>
        <div>
          <dt>Trials</dt>
          <dd>
            {finished} of {study.n_trials}
            {study.timeout !== null && study.timeout !== undefined ? `, timeout ${study.timeout} s` : ""}
          </dd>
        </div>
        <div>
          <dt>Best score</dt>
          <dd data-testid="best-value">
            {formatNumber(study.best_value)}
            {study.best_trial !== null && study.best_trial !== undefined ? ` (trial ${study.best_trial})` : ""}
          </dd>
        </div>
      </dl>
      {best.length > 0 && (
        <div className="best-params" aria-label={`Best params of ${study.node_id}`} role="group">
          <h3>Best params</h3>
          <dl className="facts">
            {best.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{typeof v === "number" ? formatNumber(v) : JSON.stringify(v)}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
      {score === null && importances === null ? (
        <Empty>No trial has finished yet.</Empty>
      ) : (
        <div className="chart-grid">
          {score !== null && <Chart title={score.title} summary={score.summary} option={score.option} height={260} testId="trials-chart" />}
          {importances !== null && (
            <Chart title={importances.title} summary={importances.summary} option={importances.option} height={260} testId="importance-chart" />
          )}
        </div>
      )}
      {trials.length > 0 && <TrialsTable study={study} />}
    </section>
  );
}

export function TuningView({ jobId, active }: { jobId: string; active: boolean }) {
  const trials = useTrials(jobId, active);
  const { progress } = useJobEvents(active ? jobId : null);
  const studies = useMemo(() => mergeTrials(trials.data?.studies ?? [], progress.trials), [trials.data, progress.trials]);
  if (trials.isPending) return <Loading what="trials" />;
  if (trials.isError) return <ErrorState title="Could not read the trials" error={trials.error} />;
  if (studies.length === 0) return <Empty>{active ? "The search has not started yet." : "This job tuned no model."}</Empty>;
  return (
    <>
      {studies.map((s) => (
        <StudyView key={s.node_id} study={s} />
      ))}
    </>
  );
}
