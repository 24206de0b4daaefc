// Per-version counters, batch scoring and drift on the deployment page. Uses the endpoint that
// 06-deploy-predict left (state.deploymentId); deploys one itself when run without it.
import { ensureTrainedModel } from "../rest.mjs";

async function json(response, what) {
  if (!response.ok()) throw new Error(`${what}: ${response.status()} ${await response.text()}`);
  return response.json();
}

// Every column a churn pipeline may use (the endpoint from 06 reads lat and lon too).
const ROW = { age: 37, income: 37185, tenure_months: 32, city: "Phoenix", plan_type: "premium", monthly_spend: 50.82, lat: 33.45, lon: -112.07 };

export default async function batchDrift(ctx) {
  const { page, url, state, step, axe, expect } = ctx;
  await ensureTrainedModel(ctx);
  let id = state.deploymentId;
  const existing = id ? await page.request.get(`${url}/api/v1/deployments/${id}`) : null;
  if (!existing || !existing.ok() || (await existing.json()).status !== "ACTIVE") {
    const created = await json(
      await page.request.post(`${url}/api/v1/deployments`, {
        data: { model_name: state.modelName, model_version: state.modelVersion, name: `batch-${Date.now().toString(36)}` },
      }),
      "POST /deployments",
    );
    id = created.id;
  }
  const dataset = await json(await page.request.get(`${url}/api/v1/datasets/${state.datasetId}`), "GET the dataset");

  await step("the endpoint's calls are counted per version", async () => {
    for (let i = 0; i < 5; i += 1) {
      await json(await page.request.post(`${url}/api/v1/deployments/${id}/predict`, { data: { rows: [ROW] } }), "predict");
    }
    await page.goto(`${url}/deployments/${id}`, { waitUntil: "networkidle" });
    await page.getByRole("heading", { level: 2, name: "Traffic per version" }).waitFor();
    const row = page.getByTestId("version-stats").locator("tbody tr").first();
    await row.waitFor({ timeout: 30_000 });
    const cells = await row.locator("td").allTextContents();
    expect(Number(cells[1]) >= 5, `the serving version counted the calls (${cells.join(" | ")})`);
    const servers = await page.getByTestId("stats-servers").textContent();
    expect(servers === "counted by 1 prediction server", `the servers counted are named (${servers})`);
    await page.getByRole("img", { name: /^Requests, errors and p95 latency per version\./ }).waitFor();
  });

  await step("score the training dataset and download the result", async () => {
    const form = page.getByRole("form", { name: "Score a dataset" });
    await form.getByLabel(/^Dataset/).selectOption(dataset.id);
    await form.getByLabel(/^Key columns/).fill("customer_id");
    await form.getByRole("button", { name: "Score dataset" }).click();
    const jobs = page.getByTestId("batch-jobs");
    await jobs.locator(".badge-succeeded").first().waitFor({ timeout: 120_000 });
    const csvLink = jobs.getByRole("link", { name: "CSV" }).first();
    const csv = await page.request.get(new URL(await csvLink.getAttribute("href"), url).href);
    expect(csv.ok(), "the CSV downloads");
    const header = (await csv.text()).split("\n")[0];
    expect(header.startsWith("customer_id,prediction"), `the scored CSV has the key column and predictions (${header})`);
    const parquet = await page.request.get(new URL(await jobs.getByRole("link", { name: "Parquet" }).first().getAttribute("href"), url).href);
    expect(parquet.ok() && (await parquet.body()).subarray(0, 4).toString() === "PAR1", "the Parquet downloads");
  });
  await axe("Batch scoring");

  await step("a drift report against a dataset is drawn", async () => {
    const form = page.getByRole("form", { name: "Check drift" });
    await form.getByLabel(/^Current data/).selectOption("dataset");
    await form.getByLabel(/^Drift dataset/).selectOption(dataset.id);
    await form.getByRole("button", { name: "Check drift" }).click();
    const report = page.getByTestId("drift-report");
    await report.waitFor({ timeout: 120_000 });
    await page.getByRole("img", { name: /^Population stability index per column\./ }).waitFor();
    const columns = await page.getByTestId("drift-columns").locator("tbody tr").count();
    expect(columns >= 4, `every input column is tested (${columns})`);
    // The training data against itself: nothing drifts far.
    expect((await page.getByTestId("drift-alert").count()) === 0, "no drift alert for the training data itself");
    await page.getByTestId("drift-columns").getByRole("button", { name: "city" }).click();
    await page.getByRole("img", { name: /^city: training against current\./ }).waitFor();
    const listed = await json(await page.request.get(`${url}/api/v1/deployments/${id}/drift`), "GET drift");
    expect(listed.reports.length >= 1 && listed.reports[0].status === "SUCCEEDED", "the report is listed");
  });
  await axe("Drift");
}
