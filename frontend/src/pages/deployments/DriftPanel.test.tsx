// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Schemas } from "../../api/client";

const COLUMNS: Schemas["DriftColumn"][] = [
  {
    name: "age",
    kind: "numeric",
    n_current: 100,
    missing_share_reference: 0,
    missing_share_current: 0,
    tests: [
      { test: "psi", value: 0.02, severity: "none" },
      { test: "ks", value: 0.05, p_value: 0.9, severity: "none" },
      { test: "wasserstein", value: 0.03, severity: "none" },
    ],
    severity: "none",
    bins: ["-inf..30", "30..inf"],
    reference_shares: [0.5, 0.5],
    current_shares: [0.48, 0.52],
  },
  {
    name: "city",
    kind: "categorical",
    n_current: 100,
    missing_share_reference: 0,
    missing_share_current: 0,
    tests: [
      { test: "psi", value: 0.9, severity: "high" },
      { test: "chi2", value: 80, p_value: 1e-9, severity: "high" },
    ],
    severity: "high",
    bins: ["Oslo", "Bergen", "__other__"],
    reference_shares: [0.6, 0.4, 0],
    current_shares: [0.1, 0.2, 0.7],
  },
];

const REPORT: Schemas["DriftReportPublic"] = {
  id: "r1",
  deployment_id: "d1",
  model_name: "churn",
  model_version: 2,
  source: "dataset",
  dataset_id: "ds1",
  dataset_version: null,
  days: null,
  status: "SUCCEEDED",
  error: null,
  severity: "high",
  n_rows: 100,
  result: {
    n_reference: 300,
    n_current: 100,
    severity: "high",
    columns: COLUMNS,
    missing_columns: [],
    alert: true,
    drifted: ["city"],
    alert_delivery: { status: "failed", target: "https://hooks.example.com", attempts: 3, error: "the receiver answered 503" },
  },
  created_at: "2026-12-03T12:00:00Z",
  finished_at: "2026-12-03T12:00:02Z",
};

vi.mock("../../api/client", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../api/client")>();
  return {
    ...actual,
    client: {
      GET: (path: string) =>
        Promise.resolve({
          data: path.endsWith("/drift") ? { reports: [REPORT] } : { datasets: [], total: 0 },
          response: new Response(null, { status: 200 }),
        }),
    },
  };
});
vi.mock("../../components/Chart", () => ({
  Chart: ({ title, summary }: { title: string; summary: string }) => <div role="img" aria-label={`${title}. ${summary}`} />,
}));

const { DriftPanel, driftOption, sharesOption } = await import("./DriftPanel");

afterEach(cleanup);

const DEP: Schemas["DeploymentPublic"] = {
  id: "d1",
  name: "churn-api",
  model_name: "churn",
  model_version: 2,
  status: "ACTIVE",
  canary_percent: 0,
  created_at: null,
  updated_at: null,
  log_sample_rate: 0.1,
  batch_max_size: 0,
  batch_max_wait_ms: 0,
};

describe("DriftPanel", () => {
  it("raises the alert, lists the worst column first and draws the PSI per column", async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={queryClient}>
        <DriftPanel dep={DEP} />
      </QueryClientProvider>,
    );
    const alert = await screen.findByTestId("drift-alert");
    expect(alert.textContent).toContain("city");
    expect(screen.getByTestId("drift-alert-delivery").textContent).toBe(
      " Not sent to https://hooks.example.com after 3 attempt(s): the receiver answered 503.",
    );
    const rows = screen.getByTestId("drift-columns").querySelectorAll("tbody tr");
    expect(rows[0]?.textContent).toContain("city");
    expect(rows[0]?.textContent).toContain("chi2 80");
    expect(screen.getByRole("img", { name: /^Population stability index per column\. city: high; age: none/ })).toBeTruthy();
    expect(screen.getByRole("img", { name: /^city: training against current\./ })).toBeTruthy();
    expect((screen.getByRole("spinbutton", { name: /^Log inputs/ }) as HTMLInputElement).value).toBe("0.1");
  });

  it("colours each bar by severity and plots both shares", () => {
    const option = driftOption(COLUMNS);
    const data = option.series[0]?.data ?? [];
    expect(data.map((d) => d.value)).toEqual([0.02, 0.9]);
    expect(data[0]?.itemStyle.color).not.toBe(data[1]?.itemStyle.color);
    const [, city] = COLUMNS;
    if (city === undefined) throw new Error("two columns");
    const shares = sharesOption(city);
    expect(shares.xAxis.data).toEqual(["Oslo", "Bergen", "__other__"]);
    expect(shares.series.map((s) => s.data)).toEqual([
      [0.6, 0.4, 0],
      [0.1, 0.2, 0.7],
    ]);
  });
});
