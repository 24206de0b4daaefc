// The registry: the model, its versions with lineage links, and two versions compared.
import { ensureTrainedModel } from "../rest.mjs";

export default async function registry(ctx) {
  const { page, url, state, step, axe, expect } = ctx;
  await ensureTrainedModel(ctx); // see 04-results: only without the canvas flows before it

  await step("the models list shows the model", async () => {
    await page.goto(`${url}/models`, { waitUntil: "networkidle" });
    await page.getByRole("heading", { level: 1, name: "Models" }).waitFor();
    await page.getByRole("link", { name: state.modelName, exact: true }).waitFor();
  });
  await axe("Models");

  let versions = 0;
  await step("the model page: versions and lineage", async () => {
    await page.getByRole("link", { name: state.modelName, exact: true }).click();
    await page.getByRole("heading", { level: 1, name: state.modelName }).waitFor();
    const table = page.getByRole("region", { name: "Model versions" });
    await table.waitFor();
    versions = await table.locator("tbody tr").count();
    expect(versions >= 1, "at least one version");
    const v = state.modelVersion;
    const dataset = page.getByRole("link", { name: `Dataset of version ${v}` });
    expect((await dataset.getAttribute("href")) === `/datasets/${state.datasetId}`, "lineage links the dataset");
    const job = page.getByRole("link", { name: `Job of version ${v}` });
    expect((await job.getAttribute("href")) === `/jobs/${state.jobId}`, "lineage links the job");
    const pipeline = page.getByRole("link", { name: `Open pipeline of version ${v}` });
    expect((await pipeline.getAttribute("href")) === `/canvas?job=${state.jobId}`, "lineage opens the pipeline read-only");
    await page.getByRole("button", { name: `Deploy version ${v}` }).waitFor();
    await page.getByRole("table", { name: `Metrics of version ${v} by split` }).waitFor();
    // The version's evaluation (GET /models/{name}/versions/{version}/evaluation) as charts.
    await page.getByRole("img", { name: /^Confusion matrix \(test\)/ }).waitFor({ timeout: 30_000 });
  });
  await axe("Model");

  await step("a lineage link opens the job", async () => {
    await page.getByRole("link", { name: `Job of version ${state.modelVersion}` }).click();
    await page.waitForURL(new RegExp(`/jobs/${state.jobId}$`));
    await page.goBack();
    await page.getByRole("heading", { level: 1, name: state.modelName }).waitFor();
  });

  await step(versions >= 2 ? "compare two versions" : "the compare page with one version", async () => {
    if (versions >= 2) {
      const boxes = page.getByRole("checkbox", { name: /Select version \d+ to compare/ });
      await boxes.nth(0).check();
      await boxes.nth(1).check();
      await page.getByRole("button", { name: "Compare selected versions" }).click();
      await page.waitForURL(/\/compare\?a=\d+&b=\d+/);
      const table = page.getByRole("table", { name: /side by side/ });
      await table.waitFor();
      const text = await table.textContent();
      expect(text.includes("Model type") && text.includes("test accuracy") && text.includes("Inputs"), "metrics, type and signature compared");
      expect((await table.locator(".better").count()) >= 1, "the better values are marked");
    } else {
      await page.goto(`${url}/models/${encodeURIComponent(state.modelName)}/compare?a=${state.modelVersion}`, { waitUntil: "networkidle" });
      await page.getByText(/nothing to compare it with yet/).waitFor();
      await page.getByRole("combobox", { name: "Version A" }).waitFor();
    }
  });
  await axe("Compare");
}
