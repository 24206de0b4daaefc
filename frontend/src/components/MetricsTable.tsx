import { formatNumber } from "../lib/format";
import { groupMetricsBySplit } from "../lib/metrics";

/** Metrics as a table: one row per metric, one column per split (train, validation, test, ...). */
export function MetricsTable({ metrics, caption }: { metrics: Record<string, unknown> | null | undefined; caption: string }) {
  const table = groupMetricsBySplit(metrics);
  if (table.rows.length === 0) return <p className="muted">No metrics.</p>;
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            {table.splits.map((s) => (
              <th scope="col" className="num" key={s}>
                {s}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row) => (
            <tr key={row.metric}>
              <th scope="row">{row.metric}</th>
              {table.splits.map((s) => (
                <td className="num" key={s}>
                  {formatNumber(row.values[s])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
