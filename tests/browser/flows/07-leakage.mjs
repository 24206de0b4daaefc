// The leakage guard while editing: a StandardScaler put before the TrainTestSplitter shows the
// leakage error on that node and in the problems list; clicking the problem selects the node.
import { openCanvas, selectNode } from "./canvas-helpers.mjs";

export default async function leakage(ctx) {
  // A preview asked for while the leaky graph is still being validated is refused (400): the
  // expected answer, shown in the panel.
  await ctx.expectConsoleError(/status of 400/, () => flow(ctx));
}

async function flow({ page, url, state, step, axe, expect }) {
  expect(state.pipelineId, "flow 02 saves the pipeline first (state.pipelineId)");

  await step("add a StandardScaler before the split", async () => {
    await openCanvas(page, `${url}/canvas/${state.pipelineId}`);
    await selectNode(page, "drop_missing_columns_1");
    // A click on a palette entry adds the node right after the selected one.
    await page.getByRole("navigation", { name: "Node palette" }).locator('[data-node-type="StandardScaler"]').click();
    await page.getByTestId("node-standard_scaler_2").waitFor();
    const edges = await page.locator(".react-flow__edge").evaluateAll((els) => els.map((e) => e.dataset.id));
    expect(edges.includes("drop_missing_columns_1->standard_scaler_2"), `drop -> scaler, got ${edges}`);
    expect(edges.includes("standard_scaler_2->train_test_splitter_1"), `scaler -> split, got ${edges}`);
  });

  await step("the node shows the leakage error", async () => {
    const node = page.getByTestId("node-standard_scaler_2");
    await node.locator(".step-issue").filter({ hasText: /learns from data/ }).waitFor({ timeout: 15_000 });
    const label = await page.locator('.react-flow__node[data-id="standard_scaler_2"]').getAttribute("aria-label");
    expect(/problem.*before the TrainTestSplitter/.test(label ?? ""), `the node's label names the problem, got ${label}`);
  });
  await axe("canvas with a leakage error");

  await step("the problems list names it, and a click selects the node", async () => {
    await selectNode(page, "train_test_splitter_1");
    await page.getByRole("tab", { name: /^Problems \(1\)/ }).click();
    const problem = page.getByRole("tabpanel").getByRole("button", { name: /standard_scaler_2.*learns from data/ });
    await problem.click();
    await page.locator("#inspector-title", { hasText: "StandardScaler" }).waitFor();
    await page.getByText("standard_scaler_2", { exact: true }).first().waitFor();
  });

  await step("undo takes the scaler out again", async () => {
    await page.locator('.react-flow__node[data-id="standard_scaler_2"]').focus();
    await page.keyboard.press("Control+z");
    await page.getByTestId("node-standard_scaler_2").waitFor({ state: "detached" });
    await page.getByRole("tab", { name: "Problems (0)" }).waitFor({ timeout: 15_000 });
  });

  await step("the advisor inserts a suggestion in its place", async () => {
    await page.getByRole("tab", { name: "Advisor" }).click();
    const add = page.getByRole("button", { name: /^Add \S+ to canvas/ }).first();
    await add.waitFor({ timeout: 15_000 });
    const type = (await add.getAttribute("aria-label")).match(/^Add (\S+) to canvas/)[1];
    const before = await page.locator(".react-flow__node").count();
    await add.click();
    await page.waitForFunction((n) => document.querySelectorAll(".react-flow__node").length === n + 1, before);
    // Wherever it went, the chain stays one chain: one more edge, no node left unconnected.
    const edges = await page.locator(".react-flow__edge").count();
    expect(edges === before, `${type} is spliced into the chain (${edges} edges for ${before + 1} nodes)`);
    await page.keyboard.press("Control+z");
    await page.waitForFunction((n) => document.querySelectorAll(".react-flow__node").length === n, before);
  });
}
