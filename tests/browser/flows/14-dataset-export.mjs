// Download a dataset version as CSV (formulas neutralised) and Parquet, switch the dataset page
// between versions (rows, profile, alerts and target panel follow), read the correlation
// heatmap and the target panel, and follow lineage: the job and the model version name the
// dataset version they trained on. Uses the churn dataset of 01-dataset (made here when run alone).
import { readFileSync } from "node:fs";
import { ensureDataset, trainJob } from "../rest.mjs";

const NOTES = "name,note,amount\nalice,=1+1,-3\nbob,@SUM(A1),4\ncarol,plain,5\n";
// Version 2 adds a constant column: an alert, and a target choice, that version 1 does not have.
const NOTES_V2 = "name,note,amount,paid\ndan,a,1,yes\neve,b,2,yes\nfay,c,3,yes\ngus,d,4,yes\n";

async function ready(page, url, id) {
  for (let i = 0; i < 240; i += 1) {
    const body = await (await page.request.get(`${url}/api/v1/datasets/${id}`)).json();
    if (body.status !== "PENDING") return body;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`dataset ${id} stayed PENDING`);
}

export default async function datasetExport(ctx) {
  const { page, url, state, step, axe, expect } = ctx;
  await ensureDataset(ctx);

  await step("a CSV download neutralises spreadsheet formulas", async () => {
    const created = await page.request.post(`${url}/api/v1/datasets`, {
      multipart: { file: { name: "notes.csv", mimeType: "text/csv", buffer: Buffer.from(NOTES) } },
    });
    expect(created.ok(), `notes.csv uploaded (${created.status()})`);
    const notes = await ready(page, url, (await created.json()).id);
    expect(notes.status === "READY", `notes.csv is READY (${notes.error ?? ""})`);
    await page.goto(`${url}/datasets/${notes.id}`, { waitUntil: "networkidle" });
    await page.locator(".page-head .badge", { hasText: "READY" }).waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download notes.csv (version 1) as CSV" }).click(),
    ]);
    expect(download.suggestedFilename() === "notes-v1.csv", `saved as notes-v1.csv (${download.suggestedFilename()})`);
    const text = readFileSync(await download.path(), "utf8");
    const lines = text.trim().split("\n");
    expect(lines[0] === "name,note,amount", `the header comes first (${lines[0]})`);
    expect(lines[1] === "alice,'=1+1,-3.0" || lines[1] === "alice,'=1+1,-3", `=1+1 is text, -3 a number (${lines[1]})`);
    expect(lines[2].startsWith("bob,'@SUM(A1)"), `@SUM is text (${lines[2]})`);
  });

  await step("the versions list downloads a version as Parquet", async () => {
    const versions = page.getByRole("region", { name: "Versions" });
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      versions.getByRole("link", { name: "Download version 1 as Parquet" }).click(),
    ]);
    const bytes = readFileSync(await download.path());
    expect(bytes.subarray(0, 4).toString() === "PAR1", "the file is Parquet (PAR1 magic)");
  });
  await axe("Dataset with downloads");

  await step("the version selector switches the rows, profile, alerts and target panel", async () => {
    const datasetUrl = page.url();
    const id = new URL(datasetUrl).pathname.split("/").pop();
    const created = await page.request.post(`${url}/api/v1/datasets/${id}/versions`, {
      multipart: { file: { name: "notes.csv", mimeType: "text/csv", buffer: Buffer.from(NOTES_V2) } },
    });
    expect(created.ok(), `version 2 uploaded (${created.status()})`);
    const v2 = await ready(page, url, id);
    expect(v2.status === "READY" && v2.version === 2, `version 2 is READY (${v2.error ?? ""})`);
    await page.goto(datasetUrl, { waitUntil: "networkidle" });
    const picker = page.getByLabel("Version shown");
    const alerts = page.getByRole("region", { name: "Alerts" });
    const target = page.getByRole("region", { name: "Target" }).getByLabel("Target column");
    const rows = page.getByRole("region", { name: "Dataset rows" });
    await alerts.getByText("Version 2 ·").waitFor({ timeout: 30_000 });
    await alerts.getByText("'paid' holds a single value").waitFor();
    expect((await picker.inputValue()) === "2", "the latest version is shown first");
    expect((await target.locator("option", { hasText: "paid" }).count()) === 1, "version 2 can target paid");
    await rows.getByRole("cell", { name: "gus" }).waitFor();

    await picker.selectOption("1");
    await alerts.getByText("Version 1 ·").waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).searchParams.get("version") === "1", `the address keeps the version (${page.url()})`);
    expect((await alerts.getByText("'paid'").count()) === 0, "version 1 has no paid alert");
    expect((await target.locator("option", { hasText: "paid" }).count()) === 0, "version 1 has no paid column");
    await rows.getByRole("cell", { name: "carol" }).waitFor({ timeout: 30_000 });
    expect((await rows.getByRole("cell", { name: "gus" }).count()) === 0, "version 1's rows replace version 2's");
    await target.selectOption("amount");
    const analysis = page.getByTestId("target-analysis");
    await analysis.waitFor({ timeout: 30_000 });
    expect(((await analysis.textContent()) ?? "").includes("version 1"), "the target analysis is of version 1");
  });
  await axe("Dataset at an older version");

  await step("the latest version again", async () => {
    await page.getByLabel("Version shown").selectOption("2");
    await page.getByRole("region", { name: "Alerts" }).getByText("Version 2 ·").waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).searchParams.get("version") === null, `the latest needs no version in the address (${page.url()})`);
  });

  await step("the correlation heatmap", async () => {
    await page.goto(`${url}/datasets/${state.datasetId}`, { waitUntil: "networkidle" });
    const panel = page.getByRole("region", { name: "Correlations" });
    await panel.getByRole("img", { name: /^Correlations: Pearson/ }).waitFor({ timeout: 30_000 });
    await panel.getByLabel("Method").selectOption("spearman");
    await panel.getByRole("img", { name: /^Correlations: Spearman/ }).waitFor();
    expect((await panel.locator(".chart-canvas svg").count()) === 1, "ECharts drew the heatmap");
  });

  await step("the target panel: class balance and associations", async () => {
    const panel = page.getByRole("region", { name: "Target" });
    await panel.getByLabel("Target column").selectOption("churned");
    await panel.getByRole("img", { name: /^churned: class balance\./ }).waitFor({ timeout: 30_000 });
    const associations = panel.getByRole("img", { name: /^Association with churned\./ });
    await associations.waitFor();
    const label = (await associations.getAttribute("aria-label")) ?? "";
    expect(/Strongest: \w+ \d/.test(label), `the strongest associations are named (${label})`);
    await panel.getByLabel("Target column").selectOption("monthly_spend");
    await panel.getByRole("img", { name: /^monthly_spend: distribution\./ }).waitFor({ timeout: 30_000 });
  });
  await axe("Dataset with correlations and target");

  await step("lineage: the job and the model version name the dataset version", async () => {
    const dataset = await (await page.request.get(`${url}/api/v1/datasets/${state.datasetId}`)).json();
    const name = `churn-lineage-${Date.now().toString(36)}`;
    const job = await trainJob(ctx, name, "logistic_regression");
    expect(job.dataset_version === dataset.version, `the job records version ${dataset.version} (${job.dataset_version})`);
    await page.goto(`${url}/jobs/${job.id}`, { waitUntil: "networkidle" });
    const onJob = page.getByTestId("job-dataset-version");
    await onJob.waitFor({ timeout: 30_000 });
    expect(((await onJob.textContent()) ?? "").includes(`version ${dataset.version}`), "the job page shows the version");
    await page.goto(`${url}/models/${encodeURIComponent(name)}`, { waitUntil: "networkidle" });
    const onVersion = page.getByTestId("version-lineage");
    await onVersion.waitFor({ timeout: 30_000 });
    const text = (await onVersion.textContent()) ?? "";
    expect(text.includes(`version ${dataset.version}`), `the version page shows the dataset version (${text})`);
    await page.getByRole("link", { name: `Dataset of version ${job.model_version}` }).waitFor();
  });
  await axe("Model with lineage");
}
