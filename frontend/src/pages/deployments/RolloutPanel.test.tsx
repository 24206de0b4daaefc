// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Schemas } from "../../api/client";

vi.mock("../../api/client", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../api/client")>();
  const versions = [
    { name: "churn", version: 1, aliases: [], runtime: "sklearn" },
    { name: "churn", version: 2, aliases: ["champion"], runtime: "onnxruntime" },
  ];
  return {
    ...actual,
    client: { GET: () => Promise.resolve({ data: { versions }, response: new Response(null, { status: 200 }) }) },
  };
});

const { RolloutPanel } = await import("./RolloutPanel");

afterEach(cleanup);

const BASE: Schemas["DeploymentPublic"] = {
  id: "d1",
  name: "churn-api",
  model_name: "churn",
  model_version: 2,
  model_alias: "champion",
  previous_version: null,
  canary_version: 1,
  canary_percent: 20,
  last_error: null,
  log_sample_rate: 0,
  batch_max_size: 0,
  batch_max_wait_ms: 0,
  status: "ACTIVE",
  created_at: null,
  updated_at: null,
};

function renderPanel(dep: Schemas["DeploymentPublic"]) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={queryClient}>
      <RolloutPanel dep={dep} />
    </QueryClientProvider>,
  );
}

describe("RolloutPanel", () => {
  it("shows the target, the alias it follows and the canary split; no rollback without a previous version", async () => {
    renderPanel(BASE);
    expect(screen.getByTestId("rollout-target").textContent).toBe("v2 (follows alias champion)");
    expect(screen.getByTestId("rollout-split").textContent).toBe("v2 80% · v1 20% (canary)");
    expect((screen.getByRole("button", { name: "Roll back" }) as HTMLButtonElement).disabled).toBe(true);
    await screen.findByRole("option", { name: "alias champion (now v2)" });
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("shows the last error prominently and offers the rollback", () => {
    renderPanel({ ...BASE, previous_version: 1, last_error: "version 3 failed its load check: missing column age" });
    expect(screen.getByRole("alert").textContent).toContain("version 3 failed its load check: missing column age");
    expect((screen.getByRole("button", { name: "Roll back to v1" }) as HTMLButtonElement).disabled).toBe(false);
  });
});
