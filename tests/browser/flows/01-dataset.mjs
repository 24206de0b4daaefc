// Upload the churn CSV through the file input, watch the progress bar, follow the dataset to
// READY, page through its rows and read its profile (charts and alerts).
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default async function dataset({ page, url, state, data, step, shot, axe, expect, expectConsoleError }) {
  await step("open the datasets page", async () => {
    await page.goto(`${url}/datasets`, { waitUntil: "networkidle" });
    await page.getByRole("heading", { level: 1, name: "Datasets" }).waitFor();
  });
  await axe("Datasets");

  await step("a file that is not a CSV is refused, naming the file", async () => {
    const bad = join(tmpdir(), "not-a-table.csv");
    writeFileSync(bad, "");
    await expectConsoleError(/status of 4\d\d/, async () => {
      await page.getByLabel("CSV file").setInputFiles(bad);
      await page.getByRole("button", { name: "Upload" }).click();
      const alert = page.getByRole("alert").filter({ hasText: "not-a-table.csv" });
      await alert.waitFor({ timeout: 30_000 });
    });
  });

  await step("a large upload's progress bar moves", async () => {
    // ~0.5 MB of churn rows through an uplink throttled to 512 KB/s (Chromium network emulation),
    // the bar sampled while it uploads.
    const [header, ...lines] = readFileSync(`${data}/churn_300.csv`, "utf8").trim().split("\n");
    const big = join(tmpdir(), "churn_large.csv");
    writeFileSync(big, [header, ...Array.from({ length: 25 }, () => lines).flat()].join("\n") + "\n");
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 512 * 1024 });
    try {
      await page.getByLabel("CSV file").setInputFiles(big);
      await page.getByRole("button", { name: "Upload" }).click();
      const bar = page.getByRole("progressbar", { name: "Uploading churn_large.csv" });
      const seen = new Set();
      for (let i = 0; i < 40 && !/\/datasets\/[^/]+$/.test(page.url()); i += 1) {
        const value = await bar.getAttribute("value", { timeout: 1000 }).catch(() => null);
        if (value !== null) seen.add(Number(value));
        if (seen.size === 2) await shot("upload-progress-moving");
        await page.waitForTimeout(150);
      }
      const between = [...seen].filter((v) => v > 0 && v < 100);
      expect(between.length >= 2, `the bar moved through several values (${[...seen].sort((a, b) => a - b).join(", ")})`);
    } finally {
      await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await cdp.detach();
    }
    await page.waitForURL(/\/datasets\/[^/]+$/, { timeout: 60_000 });
    await page.locator(".page-head .badge", { hasText: "READY" }).waitFor({ timeout: 60_000 });
    await page.goto(`${url}/datasets`, { waitUntil: "networkidle" });
  });

  await step("upload churn_300.csv with a progress bar", async () => {
    // Hold the response a moment so the bar can be seen: the file is small and local.
    await page.route("**/api/v1/datasets", async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      await new Promise((r) => setTimeout(r, 1200));
      return route.continue();
    });
    await page.getByLabel("CSV file").setInputFiles(`${data}/churn_300.csv`);
    await page.getByRole("button", { name: "Upload" }).click();
    const bar = page.getByRole("progressbar", { name: "Uploading churn_300.csv" });
    await bar.waitFor();
    expect(await bar.isVisible(), "the upload progress bar is visible");
  });

  await step("the dataset becomes READY and opens", async () => {
    await page.waitForURL(/\/datasets\/[^/]+$/, { timeout: 60_000 });
    await page.unroute("**/api/v1/datasets");
    await page.locator(".page-head .badge", { hasText: "READY" }).waitFor({ timeout: 30_000 });
    state.datasetId = new URL(page.url()).pathname.split("/").pop();
    state.datasetName = (await page.getByRole("heading", { level: 1 }).textContent())?.trim();
    expect(state.datasetId && state.datasetName, "the dataset page names the dataset");
  });

  await step("page through the rows", async () => {
    const rows = page.getByRole("region", { name: "Dataset rows" });
    await rows.waitFor({ timeout: 30_000 });
    await page.getByText("Rows 1–25 of 300").waitFor();
    expect((await rows.locator("tbody tr").count()) === 25, "25 rows on the first page");
    await page.getByRole("button", { name: "Next page" }).click();
    await page.getByText("Rows 26–50 of 300").waitFor();
    expect((await rows.locator("tbody tr").first().locator("td").first().textContent())?.trim() === "26", "the second page starts at row 26");
    await page.getByRole("button", { name: "Previous page" }).click();
    await page.getByText("Rows 1–25 of 300").waitFor();
  });

  await step("the profile charts and alerts", async () => {
    await page.getByRole("img", { name: /^Missing values per column\./ }).waitFor({ timeout: 30_000 });
    await page.getByRole("img", { name: /^city: top values\./ }).waitFor();
    const columnCharts = await page.getByRole("img", { name: /: (histogram|top values)\./ }).count();
    expect(columnCharts >= 5, `per-column charts are drawn (${columnCharts})`);
    expect((await page.locator(".chart-canvas svg").count()) >= 5, "ECharts drew the charts");
    await page.getByRole("heading", { name: "Alerts" }).waitFor();
    await page.getByRole("img", { name: /^Missing values per column\./ }).scrollIntoViewIfNeeded();
  });
  await axe("Dataset");

  await step("the list shows the dataset", async () => {
    await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Datasets" }).click();
    await page.getByRole("link", { name: state.datasetName }).first().waitFor();
  });
}
