// "Suggest a pipeline" from the Advisor tab: the advisor's whole pipeline for the uploaded churn
// dataset appears on a new canvas, laid out, without problems, and trains as placed.
import { ensureDataset } from "../rest.mjs";
import { openCanvas } from "./canvas-helpers.mjs";

export default async function suggest(ctx) {
  const { page, url, state, step, axe, expect } = ctx;
  await ensureDataset(ctx);
  let placed = 0;

  await step("open a new canvas on the churn dataset", async () => {
    await openCanvas(page, `${url}/canvas?new=1&dataset=${state.datasetId}`);
    const select = page.getByLabel("Dataset", { exact: true });
    if ((await select.inputValue()) !== state.datasetId) await select.selectOption(state.datasetId);
  });

  await step("suggest a pipeline for 'churned'", async () => {
    await page.getByRole("tab", { name: "Advisor" }).click();
    await page.getByLabel("Target to predict").selectOption("churned");
    await page.getByRole("button", { name: "Suggest a pipeline" }).click();
    const status = page.getByRole("status").filter({ hasText: /^Placed \d+ nodes/ });
    await status.waitFor({ timeout: 30_000 });
    placed = Number((await status.innerText()).match(/Placed (\d+) nodes/)[1]);
    expect(placed >= 5, `a whole pipeline, got ${placed} nodes`);
    await page.waitForFunction((n) => document.querySelectorAll(".react-flow__node").length === n, placed);
  });

  await step("it is on the canvas: split, learning nodes, model; laid out; no problems", async () => {
    await page.getByTestId("node-drop_id_columns").waitFor();
    await page.getByTestId("node-split").waitFor();
    await page.getByTestId("node-model").waitFor();
    const edges = await page.locator(".react-flow__edge").evaluateAll((els) => els.map((e) => e.dataset.id));
    expect(edges.length === placed - 1, `one chain: ${edges.length} edges for ${placed} nodes`);
    expect(edges.includes("split->impute_numeric_mean"), `imputation right after the split, got ${edges}`);
    const boxes = await page.locator(".react-flow__node").evaluateAll((els) => els.map((e) => e.style.transform));
    expect(new Set(boxes).size === placed, `each node has its own place, got ${boxes}`);
    await page.getByRole("tab", { name: "Problems (0)" }).waitFor({ timeout: 15_000 });
  });
  await axe("canvas with a suggested pipeline");

  await step("train it as placed", async () => {
    await page.getByRole("tab", { name: "Run" }).click();
    await page.getByRole("button", { name: "Train", exact: true }).click();
    const deadline = Date.now() + 180_000;
    for (;;) {
      const statuses = await page.locator(".step").evaluateAll((els) => els.map((e) => e.dataset.status));
      if (statuses.length === placed && statuses.every((s) => s === "done")) break;
      expect(!statuses.includes("failed"), `a node failed: ${await page.locator(".run-log").innerText()}`);
      expect(Date.now() < deadline, `nodes did not all finish: ${statuses.join(", ")}`);
      await page.waitForTimeout(200);
    }
    await page.getByRole("status").filter({ hasText: /Registered .+ v\d+/ }).waitFor({ timeout: 30_000 });
  });
}
