// Build the churn pipeline on the canvas the way a person does: drag each node from the palette,
// connect the handles, fill the parameters through the forms and column pickers, save, reload,
// and find the pipeline restored. Sets state.pipelineId.
import { connectNodes, dragFromPalette, nodeBox, openCanvas, selectNode } from "./canvas-helpers.mjs";

const STEPS = [
  // [node type, node id the canvas gives it, drop point as a fraction of the canvas]
  ["DropMissingColumns", "drop_missing_columns_1", [0.1, 0.15]],
  ["TrainTestSplitter", "train_test_splitter_1", [0.4, 0.15]],
  ["SimpleImputer", "simple_imputer_1", [0.7, 0.15]],
  ["OneHotEncoder", "one_hot_encoder_1", [0.1, 0.55]],
  ["StandardScaler", "standard_scaler_1", [0.4, 0.55]],
  ["random_forest_classifier", "random_forest_classifier_1", [0.7, 0.55]],
];

export default async function canvasBuild({ page, url, state, step, axe, expect }) {
  expect(state.datasetName, "flow 01 uploads the dataset first (state.datasetName)");

  await step("open a new canvas and pick the dataset", async () => {
    await openCanvas(page, `${url}/canvas?new=1`);
    const select = page.getByLabel("Dataset", { exact: true });
    await select.locator("option", { hasText: state.datasetName }).waitFor({ state: "attached" });
    const value = await select.locator("option").evaluateAll(
      (options, name) => options.find((o) => o.textContent.startsWith(`${name} (`))?.value ?? "",
      state.datasetName,
    );
    expect(value !== "", `the dataset ${state.datasetName} is listed as READY`);
    await select.selectOption(value);
    await page.getByLabel("Pipeline name").fill("Churn random forest");
  });

  await step("drag six nodes from the palette", async () => {
    for (const [type, id, at] of STEPS) {
      await dragFromPalette(page, type, at);
      await page.getByTestId(`node-${id}`).waitFor();
    }
  });

  await step("connect the nodes by their handles", async () => {
    for (let i = 1; i < STEPS.length; i += 1) await connectNodes(page, STEPS[i - 1][1], STEPS[i][1]);
    await page.locator(".react-flow__edge").nth(STEPS.length - 2).waitFor({ state: "attached" });
    expect((await page.locator(".react-flow__edge").count()) === STEPS.length - 1, "five edges");
    await page.getByRole("button", { name: "Auto-layout" }).click();
  });

  await step("drop the id and date columns", async () => {
    await selectNode(page, "drop_missing_columns_1");
    const columns = page.getByRole("group", { name: "Columns" });
    for (const col of ["customer_id", "signup_date"]) await columns.getByRole("checkbox", { name: new RegExp(`^${col}\\b`) }).check();
  });

  await step("split with churned as the target, picked from the columns", async () => {
    await selectNode(page, "train_test_splitter_1");
    const target = page.getByLabel("Target Column", { exact: true });
    await target.locator("option", { hasText: "churned" }).waitFor({ state: "attached" });
    await target.selectOption("churned");
    await page.getByLabel("Stratify").check();
  });

  await step("impute age, income and the coordinates", async () => {
    await selectNode(page, "simple_imputer_1");
    await pickColumns(page, ["age", "income", "lat", "lon"]);
    await page.getByLabel("Strategy", { exact: true }).selectOption("median");
  });

  await step("one-hot encode city and plan_type", async () => {
    await selectNode(page, "one_hot_encoder_1");
    await pickColumns(page, ["city", "plan_type"]);
  });

  await step("the forest gets its parameters", async () => {
    await selectNode(page, "random_forest_classifier_1");
    const trees = page.getByLabel("N Estimators", { exact: true });
    await trees.fill("40");
    await page.locator(".step.has-issues").first().waitFor({ state: "detached", timeout: 15_000 });
    await page.getByRole("tab", { name: "Problems (0)" }).waitFor({ timeout: 15_000 });
  });
  await axe("canvas");

  await step("save, reload and find the pipeline restored", async () => {
    await page.keyboard.press("Control+s");
    await page.getByRole("status").filter({ hasText: "All changes saved" }).waitFor({ timeout: 15_000 });
    const match = new URL(page.url()).pathname.match(/^\/canvas\/([^/]+)$/);
    expect(match, `saving names the pipeline in the URL, got ${page.url()}`);
    state.pipelineId = match[1];
    await page.reload({ waitUntil: "networkidle" });
    await page.getByTestId("node-random_forest_classifier_1").waitFor();
    expect((await page.getByLabel("Pipeline name").inputValue()) === "Churn random forest", "the name is restored");
    expect((await page.locator(".react-flow__node").count()) === STEPS.length, "six nodes restored");
    expect((await page.locator(".react-flow__edge").count()) === STEPS.length - 1, "five edges restored");
    await selectNode(page, "simple_imputer_1");
    const picked = page.getByRole("group", { name: "Columns" }).getByRole("checkbox", { checked: true });
    await picked.nth(3).waitFor();
    expect((await picked.count()) === 4, "the imputer's four columns are restored");
  });

  await step("/canvas reopens the last pipeline", async () => {
    await page.goto(`${url}/canvas`, { waitUntil: "networkidle" });
    await page.waitForURL(`**/canvas/${state.pipelineId}`);
    await page.getByTestId("node-train_test_splitter_1").waitFor();
    const box = await nodeBox(page, "train_test_splitter_1");
    expect(box.width > 0, "the restored node is drawn");
  });
}

async function pickColumns(page, names) {
  const group = page.getByRole("group", { name: "Columns" });
  await group.getByRole("checkbox").first().waitFor();
  for (const name of names) await group.getByRole("checkbox", { name: new RegExp(`^${name}\\b`) }).check();
}
