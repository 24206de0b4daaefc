// The trained job's results: status, metrics by split and its charts.
import { ensureTrainedModel } from "../rest.mjs";

export default async function results(ctx) {
  const { page, url, state, step, axe, expect } = ctx;
  // The canvas flows (02, 03) train the model in the full run; on its own this flow trains
  // through the REST API instead.
  await step("a trained job exists", async () => {
    await ensureTrainedModel(ctx);
    expect(state.jobId, "state.jobId is set");
  });

  await step("the jobs list shows it", async () => {
    await page.goto(`${url}/jobs`, { waitUntil: "networkidle" });
    await page.getByRole("heading", { level: 1, name: "Jobs" }).waitFor();
    const link = page.getByRole("link", { name: `Job ${state.jobId}` });
    await link.waitFor();
    const row = page.locator("tr", { has: link });
    expect((await row.textContent()).includes("SUCCEEDED"), "the job row says SUCCEEDED");
    expect(/test_(accuracy|r2|f1)/.test(await row.textContent()), "the job row shows a headline metric");
  });
  await axe("Jobs");

  await step("open the job: status and metrics by split", async () => {
    await page.getByRole("link", { name: `Job ${state.jobId}` }).click();
    await page.waitForURL(new RegExp(`/jobs/${state.jobId}$`));
    await page.locator(".page-head .badge", { hasText: "SUCCEEDED" }).waitFor();
    const metrics = page.getByRole("table", { name: "Metrics by split" });
    await metrics.waitFor();
    const head = await metrics.locator("thead").textContent();
    expect(head.includes("train") && head.includes("test"), `metrics are grouped by split (${head})`);
    await metrics.getByRole("rowheader", { name: "accuracy", exact: true }).waitFor();
  });

  await step("the charts are drawn", async () => {
    await page.getByRole("img", { name: /^Metrics by split\./ }).waitFor();
    const pipeline = page.getByRole("link", { name: "Open pipeline (read-only)" });
    expect((await pipeline.getAttribute("href")) === `/canvas?job=${state.jobId}`, "the pipeline link opens the canvas read-only");
    // The evaluation data (GET /jobs/{id}/evaluation) of a classifier: confusion matrix and curves.
    const confusion = page.getByRole("img", { name: /^Confusion matrix \(test\)\. 2 classes/ });
    await confusion.waitFor({ timeout: 30_000 });
    await page.getByRole("img", { name: /^ROC curve\. Area under the curve/ }).waitFor();
    const charts = await page.locator(".chart-canvas svg").count();
    expect(charts >= 4, `the metrics and evaluation charts are drawn (${charts})`);
    await confusion.scrollIntoViewIfNeeded();
  });
  await axe("Job");
}
