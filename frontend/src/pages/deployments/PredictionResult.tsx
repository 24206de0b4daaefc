import { useMemo } from "react";
import type { Schemas } from "../../api/client";
import { Chart } from "../../components/Chart";
import { formatCell, formatNumber } from "../../lib/format";

export type Prediction = Schemas["PredictResponse"];

/** The class probabilities of one prediction as a bar chart spec. */
export function probabilityChart(probabilities: Record<string, number>) {
  const entries = Object.entries(probabilities).sort((a, b) => b[1] - a[1]);
  return {
    title: "Class probabilities",
    summary: entries.map(([label, p]) => `${label}: ${formatNumber(p * 100, 1)}%`).join(", "),
    option: {
      grid: { left: 16, right: 24, top: 10, bottom: 30, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", min: 0, max: 1 },
      yAxis: { type: "category", data: entries.map(([label]) => label).reverse() },
      series: [{ type: "bar", name: "probability", data: entries.map(([, p]) => Number(p.toFixed(4))).reverse(), label: { show: true, position: "right" } }],
    },
  };
}

export function PredictionResult({ result, latencyMs }: { result: Prediction; latencyMs: number }) {
  const probs = result.probabilities?.[0] ?? null;
  const chart = useMemo(() => (probs === null ? null : probabilityChart(probs)), [probs]);
  return (
    <div className="prediction" aria-live="polite">
      <dl className="facts">
        <div>
          <dt>Prediction</dt>
          <dd className="prediction-value" data-testid="prediction">
            {result.predictions.map((p) => formatCell(p)).join(", ")}
          </dd>
        </div>
        <div>
          <dt>Latency (measured in the browser)</dt>
          <dd data-testid="latency">{latencyMs.toFixed(0)} ms</dd>
        </div>
        <div>
          <dt>Model</dt>
          <dd>
            {result.model_name} v{result.model_version}
          </dd>
        </div>
      </dl>
      {probs !== null && chart !== null && (
        <div className="grid-2">
          <Chart title={chart.title} summary={chart.summary} option={chart.option} height={Math.max(120, 40 * Object.keys(probs).length + 50)} />
          <table className="data-table">
            <caption className="visually-hidden">Class probabilities</caption>
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col" className="num">
                  Probability
                </th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(probs).map(([label, p]) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  <td className="num">{formatNumber(p, 4)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
