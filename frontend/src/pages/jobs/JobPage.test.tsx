// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";

const calls: { method: string; path: string }[] = [];
let job: Record<string, unknown> = {};

function ok(data: unknown) {
  return Promise.resolve({ data, response: new Response(null, { status: 200 }) });
}

vi.mock("../../api/client", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../api/client")>();
  return {
    ...actual,
    client: {
      GET: (path: string) => {
        calls.push({ method: "GET", path });
        if (path === "/api/v1/jobs/{job_id}") return ok(job);
        if (path === "/api/v1/datasets") return ok({ datasets: [{ id: "d1", name: "churn_300.csv" }], total: 1 });
        return Promise.resolve({ error: { error: { code: "NOT_FOUND", message: `no ${path}` } }, response: new Response(null, { status: 404 }) });
      },
      POST: (path: string) => {
        calls.push({ method: "POST", path });
        job = { ...job, status: "CANCELLED", message: "cancelled" };
        return ok(job);
      },
    },
  };
});

const { default: JobPage } = await import("./JobPage");

afterEach(() => {
  cleanup();
  calls.length = 0;
});

function renderJob() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={["/jobs/j1"]}>
        <Routes>
          <Route path="/jobs/:jobId" element={<JobPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const RUNNING = {
  id: "j1",
  kind: "train",
  status: "RUNNING",
  dataset_id: "d1",
  model_name: "churn",
  model_version: null,
  metrics: {},
  progress: 0.4,
  message: "fitting model",
  error: null,
  created_at: "2026-12-03T08:00:00Z",
  started_at: "2026-12-03T08:00:01Z",
  finished_at: null,
};

describe("JobPage", () => {
  it("shows a running job's progress and cancels it", async () => {
    job = { ...RUNNING };
    renderJob();
    await screen.findByText("fitting model");
    expect(screen.getByRole("progressbar", { name: "Progress" }).getAttribute("value")).toBe("40");
    expect(screen.getByRole("link", { name: "churn_300.csv" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Cancel job" }));
    await waitFor(() => expect(calls).toContainEqual({ method: "POST", path: "/api/v1/jobs/{job_id}/cancel" }));
    await screen.findByText("CANCELLED");
    expect(screen.queryByRole("button", { name: "Cancel job" })).toBeNull();
  });

  it("shows a failed job's error with the server's message and no cancel", async () => {
    job = { ...RUNNING, status: "FAILED", progress: 0.5, error: { code: "INVALID_ARGUMENT", message: "column 'x' is missing", details: {} } };
    renderJob();
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("column 'x' is missing");
    expect(screen.queryByRole("button", { name: "Cancel job" })).toBeNull();
  });
});
