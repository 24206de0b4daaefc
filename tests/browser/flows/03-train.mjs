// Train the saved churn pipeline from the canvas: every node turns done live (server-sent
// events), then the job link opens the job. Sets state.jobId, state.modelName, state.modelVersion.
import { openCanvas } from "./canvas-helpers.mjs";

export default async function train({ page, url, state, step, axe, expect }) {
  expect(state.pipelineId, "flow 02 saves the pipeline first (state.pipelineId)");

  await step("open the saved pipeline and press Train", async () => {
    await openCanvas(page, `${url}/canvas/${state.pipelineId}`);
    await page.getByTestId("node-random_forest_classifier_1").waitFor();
    await page.getByRole("tab", { name: "Run" }).click();
    await page.getByRole("button", { name: "Train", exact: true }).click();
    await page.getByRole("progressbar", { name: "Training progress" }).waitFor();
  });

  await step("watch every node turn done", async () => {
    const nodes = await page.locator(".step").count();
    expect(nodes === 6, `six nodes on the canvas, got ${nodes}`);
    const seen = new Set();
    const deadline = Date.now() + 180_000;
    for (;;) {
      const statuses = await page.locator(".step").evaluateAll((els) => els.map((e) => e.dataset.status));
      statuses.forEach((s) => seen.add(s));
      if (statuses.every((s) => s === "done")) break;
      const failed = statuses.includes("failed");
      expect(!failed, `a node failed: ${await page.locator(".run-log").innerText()}`);
      expect(Date.now() < deadline, `nodes did not all finish: ${statuses.join(", ")}`);
      await page.waitForTimeout(150);
    }
    // The status is in each node's accessible name, not only in its colour.
    const labelled = await page.locator('.react-flow__node[aria-label*="status done"]').count();
    expect(labelled === 6, `every node's label says done, got ${labelled}`);
    await page.getByRole("status").filter({ hasText: /Registered .+ v\d+/ }).waitFor({ timeout: 30_000 });
  });
  await axe("canvas after training");

  await step("follow the job link", async () => {
    await page.getByRole("link", { name: /^Open job / }).click();
    await page.waitForURL(/\/jobs\/[^/]+$/);
    state.jobId = new URL(page.url()).pathname.split("/").pop();
    const response = await page.request.get(`${url}/api/v1/jobs/${state.jobId}`);
    const job = await response.json();
    expect(job.status === "SUCCEEDED", `the job succeeded, got ${job.status}`);
    expect(job.pipeline_id === state.pipelineId, "the job names the saved pipeline it ran");
    state.modelName = job.model_name;
    state.modelVersion = job.model_version;
    expect(state.modelName && Number.isInteger(state.modelVersion), "the job registered a model version");
  });

  await step("the job's pipeline opens read-only on the canvas", async () => {
    await page.goto(`${url}/canvas?job=${state.jobId}`, { waitUntil: "networkidle" });
    await page.getByText("read-only").waitFor();
    await page.getByTestId("node-random_forest_classifier_1").waitFor();
    expect((await page.locator(".react-flow__node").count()) === 6, "the job's six nodes");
    expect((await page.locator('.step[data-status="done"]').count()) === 6, "each shown done");
    expect((await page.getByRole("navigation", { name: "Node palette" }).count()) === 0, "no palette: nothing to edit");
    await page.getByRole("link", { name: "Open the job" }).click();
    await page.waitForURL(`**/jobs/${state.jobId}`);
  });
}
