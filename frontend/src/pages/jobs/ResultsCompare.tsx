import { Link } from "react-router";
import type { JobResult } from "../../api/contracts";
import { formatNumber } from "../../lib/format";
import { lowerIsBetter, splitOfKey } from "../../lib/metrics";

/** The models of a branching job side by side: one row per model, its test metrics as columns, the best marked. */
export function ResultsCompare({ results }: { results: JobResult[] }) {
  const keys = [...new Set(results.flatMap((r) => Object.keys(r.metrics)))].filter((k) => splitOfKey(k).split === "test");
  const shown = keys.length > 0 ? keys : [...new Set(results.flatMap((r) => Object.keys(r.metrics)))];
  const best = new Map(
    shown.map((k) => {
      const values = results.map((r) => r.metrics[k]).filter((v): v is number => typeof v === "number");
      return [k, values.length < 2 ? undefined : lowerIsBetter(k) ? Math.min(...values) : Math.max(...values)];
    }),
  );
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Models compared">
      <table className="data-table">
        <caption className="visually-hidden">The job's models compared; the best value of each metric is marked</caption>
        <thead>
          <tr>
            <th scope="col">Model node</th>
            <th scope="col">Model</th>
            {shown.map((k) => (
              <th scope="col" className="num" key={k}>
                {k}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {results.map((r) => (
            <tr key={r.node_id}>
              <th scope="row">
                {r.node_id} <span className="muted">({r.model_type})</span>
              </th>
              <td>
                {r.model_version !== null ? (
                  <Link to={`/models/${encodeURIComponent(r.model_name)}`}>
                    {r.model_name} v{r.model_version}
                  </Link>
                ) : (
                  r.model_name
                )}
              </td>
              {shown.map((k) => {
                const v = r.metrics[k];
                const isBest = v !== undefined && v === best.get(k);
                return (
                  <td className={isBest ? "num better" : "num"} key={k}>
                    {formatNumber(v)}
                    {isBest && <span className="visually-hidden"> (best)</span>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
