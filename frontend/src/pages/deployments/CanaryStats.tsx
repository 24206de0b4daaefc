import type { Schemas } from "../../api/client";
import { Chart } from "../../components/Chart";
import { ErrorState } from "../../components/States";
import { formatNumber } from "../../lib/format";
import { useDeploymentStats } from "./queries";

type VersionStats = Schemas["VersionStatsPublic"];

export function statsOption(versions: VersionStats[]) {
  const labels = versions.map((v) => `v${v.version} (${v.role})`);
  return {
    grid: { left: 56, right: 56, top: 36, bottom: 40, containLabel: true },
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    xAxis: { type: "category", data: labels },
    yAxis: [
      { type: "value", name: "requests" },
      { type: "value", name: "ms", position: "right" },
    ],
    series: [
      { type: "bar", name: "requests", data: versions.map((v) => v.requests) },
      { type: "bar", name: "errors", data: versions.map((v) => v.errors) },
      { type: "line", name: "p95 latency (ms)", yAxisIndex: 1, data: versions.map((v) => Number(v.latency_p95_ms.toFixed(2))) },
    ],
  };
}

/** Per-version counters of the endpoint, summed over every prediction server. */
export function CanaryStats({ deploymentId }: { deploymentId: string }) {
  const stats = useDeploymentStats(deploymentId);
  const versions = stats.data?.versions ?? [];
  return (
    <section className="panel" aria-labelledby="stats-title">
      <div className="panel-head">
        <h2 id="stats-title">Traffic per version</h2>
        {stats.data && (
          <span className="muted" data-testid="stats-servers">
            {stats.data.servers.length === 1
              ? "counted by 1 prediction server"
              : `summed over ${stats.data.servers.length} prediction servers`}
          </span>
        )}
      </div>
      {stats.data && stats.data.unreachable.length > 0 && (
        <p className="notice-warn" role="status">
          Not counted: {stats.data.unreachable.join(", ")} did not answer.
        </p>
      )}
      {stats.isError && <ErrorState title="Could not read the counters" error={stats.error} />}
      {versions.length > 0 && (
        <>
          <table className="table" data-testid="version-stats">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Requests</th>
                <th scope="col">Share</th>
                <th scope="col">Errors</th>
                <th scope="col">Rows</th>
                <th scope="col">p50 ms</th>
                <th scope="col">p95 ms</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <tr key={v.version} data-testid={`stats-v${v.version}`}>
                  <td>
                    v{v.version} <span className="muted">{v.role}</span>
                  </td>
                  <td>{v.requests}</td>
                  <td>{formatNumber(v.share * 100, 3)}%</td>
                  <td>
                    {v.errors} ({formatNumber(v.error_rate * 100, 3)}%)
                  </td>
                  <td>{v.rows}</td>
                  <td>{formatNumber(v.latency_p50_ms, 3)}</td>
                  <td>{formatNumber(v.latency_p95_ms, 3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Chart
            title="Requests, errors and p95 latency per version"
            summary={versions.map((v) => `version ${v.version} (${v.role}): ${v.requests} requests, ${v.errors} errors, p95 ${formatNumber(v.latency_p95_ms, 3)} ms`).join("; ")}
            option={statsOption(versions)}
            height={220}
            testId="stats-chart"
          />
        </>
      )}
    </section>
  );
}
