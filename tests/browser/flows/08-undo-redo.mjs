// Undo and redo on the canvas, by keyboard and toolbar: delete a node, bring it back, remove it
// again; copy and paste a node; and keys typed into a form never edit the graph.
import { openCanvas, selectNode } from "./canvas-helpers.mjs";

const counts = async (page) => ({
  nodes: await page.locator(".react-flow__node").count(),
  edges: await page.locator(".react-flow__edge").count(),
});

export default async function undoRedo({ page, url, state, step, axe, expect }) {
  expect(state.pipelineId, "flow 02 saves the pipeline first (state.pipelineId)");
  const scaler = page.getByTestId("node-standard_scaler_1");

  await step("delete a node with the Delete key", async () => {
    await openCanvas(page, `${url}/canvas/${state.pipelineId}`);
    await selectNode(page, "standard_scaler_1");
    await page.locator('.react-flow__node[data-id="standard_scaler_1"]').focus();
    await page.keyboard.press("Delete");
    await scaler.waitFor({ state: "detached" });
    const c = await counts(page);
    expect(c.nodes === 5 && c.edges === 3, `5 nodes and 3 edges left, got ${JSON.stringify(c)}`);
  });

  await step("Ctrl+Z brings it back with its edges", async () => {
    await page.keyboard.press("Control+z");
    await scaler.waitFor();
    // React Flow draws a node's edges once the node is measured: a frame or two after it.
    await page
      .waitForFunction(
        () =>
          document.querySelectorAll(".react-flow__node").length === 6 &&
          document.querySelectorAll(".react-flow__edge").length === 5,
        null,
        { timeout: 5_000 },
      )
      .catch(() => {});
    const c = await counts(page);
    expect(c.nodes === 6 && c.edges === 5, `6 nodes and 5 edges, got ${JSON.stringify(c)}`);
  });

  await step("Ctrl+Y removes it again, Ctrl+Shift+Z after another undo too", async () => {
    await page.keyboard.press("Control+y");
    await scaler.waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Undo" }).click();
    await scaler.waitFor();
    await page.keyboard.press("Control+Shift+z");
    await scaler.waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Undo" }).click();
    await scaler.waitFor();
  });
  await axe("canvas after undo");

  await step("Backspace in a form field edits the text, not the graph", async () => {
    await selectNode(page, "random_forest_classifier_1");
    const trees = page.getByLabel("N Estimators", { exact: true });
    await trees.fill("40");
    await trees.press("Backspace");
    expect((await trees.inputValue()) === "4", "the field lost one character");
    await trees.fill("40");
    const c = await counts(page);
    expect(c.nodes === 6, `no node deleted, got ${JSON.stringify(c)}`);
  });

  await step("copy and paste a node under a new id, then undo the paste", async () => {
    await selectNode(page, "simple_imputer_1");
    await page.locator('.react-flow__node[data-id="simple_imputer_1"]').focus();
    await page.keyboard.press("Control+c");
    await page.keyboard.press("Control+v");
    const pasted = page.getByTestId("node-simple_imputer_2");
    await pasted.waitFor();
    expect((await pasted.locator(".step-summary").innerText()).includes("age"), "the copy keeps the parameters");
    await page.keyboard.press("Control+z");
    await pasted.waitFor({ state: "detached" });
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor({ timeout: 15_000 });
  });

  await step("the versions list restores an earlier save", async () => {
    await page.getByRole("button", { name: "Versions" }).click();
    const dialog = page.getByRole("dialog", { name: "Versions" });
    await dialog.getByRole("button", { name: "Restore version 1", exact: true }).waitFor();
    const latest = Number((await page.getByRole("status").filter({ hasText: /^v\d+/ }).innerText()).match(/^v(\d+)/)[1]);
    await dialog.getByRole("button", { name: "Restore version 1", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByRole("status").filter({ hasText: `v${latest + 1}` }).waitFor();
    const { versions } = await (await page.request.get(`${url}/api/v1/pipelines/${state.pipelineId}/versions`)).json();
    const v1 = versions.find((v) => v.version === 1);
    await page.waitForFunction(
      ([n, e]) => document.querySelectorAll(".react-flow__node").length === n && document.querySelectorAll(".react-flow__edge").length === e,
      [v1.graph.nodes.length, (v1.graph.edges ?? []).length],
    );
    const newest = versions.find((v) => v.version === latest + 1);
    expect(JSON.stringify(newest.graph) === JSON.stringify(v1.graph), "the restore saved version 1's graph as the newest");
    // Restoring is itself a version: the newest graph comes back the same way.
    await page.getByRole("button", { name: "Versions" }).click();
    await dialog.getByRole("button", { name: `Restore version ${latest}`, exact: true }).click();
    await page.getByTestId("node-random_forest_classifier_1").waitFor();
    expect((await page.locator(".react-flow__node").count()) === 6, "the six nodes are back");
  });

  await step("start a new pipeline from a template", async () => {
    await page.getByRole("button", { name: "New from template" }).click();
    const dialog = page.getByRole("dialog", { name: "New from template" });
    const first = dialog.getByRole("listitem").first().getByRole("button");
    await first.waitFor();
    await first.click();
    await page.waitForURL((u) => /\/canvas\/[^/?]+$/.test(u.pathname) && !u.pathname.endsWith(state.pipelineId), { timeout: 15_000 });
    expect((await page.locator(".react-flow__node").count()) >= 3, "the template's nodes are on the canvas");
    await page.getByRole("status").filter({ hasText: "v1" }).waitFor();
  });
}
