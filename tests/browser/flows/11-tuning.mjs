// Tuning from the canvas: a small churn pipeline's model switched to "Tune" in its side panel (a
// random search of 6 trials over a narrowed space, optimising F1), run, its trials arriving live
// in the run log, then the job's Tuning view: the score chart, the importances, the best params
// and the trials table. Independent of the flows after 01 (it saves its own pipeline).
import { churnGraph, ensureDataset } from "../rest.mjs";
import { openCanvas, selectNode } from "./canvas-helpers.mjs";

async function json(response, what) {
  if (!response.ok()) throw new Error(`${what}: ${response.status()} ${await response.text()}`);
  return response.json();
}

export default async function tuning(ctx) {
  const { page, url, state, step, axe, expect } = ctx;
  await ensureDataset(ctx);
  const pipeline = await json(
    await page.request.post(`${url}/api/v1/pipelines`, {
      data: { name: `churn-tuned-${Date.now().toString(36)}`, dataset_id: state.datasetId, graph: churnGraph("random_forest_classifier", { n_estimators: 20 }) },
    }),
    "POST /pipelines",
  );

  await step("switch the model to Tune and set a small random search", async () => {
    await openCanvas(page, `${url}/canvas/${pipeline.id}`);
    await selectNode(page, "model");
    const mode = page.getByRole("group", { name: "Training mode" });
    await mode.getByLabel("Tune").check();
    const tuning = page.getByRole("group", { name: "Tuning", exact: true });
    await tuning.getByLabel("Strategy").selectOption("random");
    await tuning.getByLabel("Metric").selectOption("f1");
    expect((await tuning.getByLabel("Metric").locator("option", { hasText: "r2" }).count()) === 0, "only classification metrics are offered");
    await tuning.getByLabel("N Trials").fill("6");
    await tuning.getByLabel("Cv Folds").fill("2");
    // Narrow the search: a few small forests, the rest left out.
    await tuning.getByLabel("High of n_estimators").fill("40");
    await tuning.getByLabel("Low of n_estimators").fill("10");
    for (const name of ["min_samples_split", "min_samples_leaf", "criterion", "class_weight"]) {
      await tuning.getByLabel(`Search ${name}`).uncheck();
    }
    // A wrong range is named at once, and put right.
    await tuning.getByLabel("Low of max_depth").fill("50");
    await tuning.getByText("max_depth: Low (50) is above high (32)").waitFor();
    await tuning.getByLabel("Low of max_depth").fill("2");
    expect((await tuning.getByText(/max_depth: Low/).count()) === 0, "the message goes once the range is right");
  });
  await axe("canvas: tuning editor");

  await step("run it and watch the trials arrive", async () => {
    await page.getByRole("tab", { name: "Run" }).click();
    await page.getByRole("button", { name: "Tune and train", exact: true }).click();
    const log = page.locator(".run-log");
    await log.getByText(/model: trial \d+ complete/).first().waitFor({ timeout: 120_000 });
    await page.getByRole("status").filter({ hasText: /Registered .+ v\d+/ }).waitFor({ timeout: 180_000 });
    const trials = await log.getByText(/model: trial \d+ /).count();
    expect(trials === 6, `six trial events in the run log, got ${trials}`);
  });

  await step("open the job's Tuning view", async () => {
    await page.getByRole("link", { name: /^Open job / }).click();
    await page.waitForURL(/\/jobs\/[^/]+$/);
    const jobId = new URL(page.url()).pathname.split("/").pop();
    const job = await json(await page.request.get(`${url}/api/v1/jobs/${jobId}`), "GET job");
    expect(job.kind === "tune" && job.status === "SUCCEEDED", `a succeeded tune job, got ${job.kind} ${job.status}`);
    const study = page.getByRole("region", { name: /^Tuning: model/ });
    await study.waitFor();
    await study.getByTestId("trials-chart").locator("svg").waitFor();
    const rows = await study.locator(".trials-table tbody tr").count();
    expect(rows === 6, `six trials in the table, got ${rows}`);
    const trials = await json(await page.request.get(`${url}/api/v1/jobs/${jobId}/trials`), "GET trials");
    const best = trials.studies[0];
    expect(best.metric === "f1", `the study optimised f1, got ${best.metric}`);
    const shown = await study.getByRole("group", { name: "Best params of model" }).innerText();
    for (const [k, v] of Object.entries(best.best_params)) {
      expect(shown.includes(k) && shown.includes(String(v)), `best param ${k}=${v} is shown: ${shown}`);
    }
    expect(Object.keys(best.best_params).sort().join() === "max_depth,max_features,n_estimators", "only the searched params");
    await study.getByRole("button", { name: /Score/ }).click();
    const top = await study.locator(".trials-table tbody tr").first().locator("td").first().innerText();
    expect(top.includes(String(best.best_trial)), `sorting by score puts the best trial first, got ${top}`);
    await study.scrollIntoViewIfNeeded();
  });
  await axe("job: Tuning view");

  await step("the refitted model's evaluation: both confusion matrices and both importances", async () => {
    await page.getByRole("img", { name: /^Confusion matrix, normalised by actual class \(test\)\. 2 classes; the share/ }).waitFor({ timeout: 30_000 });
    await page.getByRole("img", { name: /^Confusion matrix \(test\)\. 2 classes/ }).waitFor();
    await page.getByRole("img", { name: /^Feature importances\. Top features/ }).waitFor();
    const permutation = page.getByRole("img", { name: /^Permutation importances \(test\)\. Top features: .+ ± / });
    await permutation.waitFor();
    await permutation.scrollIntoViewIfNeeded();
  });
  await axe("job: evaluation of the tuned model");
}
