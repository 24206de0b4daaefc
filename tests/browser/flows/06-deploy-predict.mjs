// Deploy the trained version, predict through the generated form, and copy the call as curl.
import { ensureTrainedModel, firstCsvRow } from "../rest.mjs";

export default async function deployPredict(ctx) {
  const { page, url, state, data, step, axe, expect } = ctx;
  await ensureTrainedModel(ctx); // see 04-results: only without the canvas flows before it

  await step("deploy the version from the model page", async () => {
    await page.goto(`${url}/models/${encodeURIComponent(state.modelName)}`, { waitUntil: "networkidle" });
    await page.getByRole("button", { name: `Deploy version ${state.modelVersion}` }).click();
    await page.waitForURL(/\/deployments\/[^/]+$/, { timeout: 60_000 });
    state.deploymentId = new URL(page.url()).pathname.split("/").pop();
    await page.locator(".page-head .badge", { hasText: "ACTIVE" }).waitFor();
  });

  await step("the form is generated from the signature", async () => {
    const form = page.getByRole("form", { name: "Prediction input" });
    await form.waitFor({ timeout: 30_000 });
    const example = firstCsvRow(`${data}/churn_300.csv`);
    const age = form.getByLabel("age", { exact: true });
    await age.waitFor();
    expect((await age.getAttribute("type")) === "number", "a numeric column is a number field");
    expect((await age.inputValue()) === String(Number(example.age)), "prefilled from the dataset's first row");
    const city = form.getByLabel("city", { exact: true });
    expect((await city.getAttribute("type")) === "text", "a text column is a text field");
    for (const field of await form.locator("input").all()) {
      if ((await field.inputValue()) === "") {
        const name = (await field.getAttribute("id")).replace(/^input-/, "");
        await field.fill(example[name] ?? "");
      }
    }
  });

  await step("predict: a prediction, probabilities and latency", async () => {
    await page.getByRole("button", { name: "Predict" }).click();
    const prediction = page.getByTestId("prediction");
    await prediction.waitFor({ timeout: 30_000 });
    expect(["0", "1"].includes((await prediction.textContent()).trim()), "a churn prediction (0 or 1)");
    await page.getByRole("img", { name: /^Class probabilities\./ }).waitFor();
    expect(/\d+ ms/.test(await page.getByTestId("latency").textContent()), "the latency is shown");
  });
  await axe("Deployment");

  await step("copy as curl and as Python", async () => {
    const curl = await page.getByLabel("Copy as curl text").inputValue();
    expect(curl.startsWith("curl -X POST") && curl.includes(`/api/v1/deployments/${state.deploymentId}/predict`), "the curl snippet calls the endpoint");
    expect(curl.includes('"age"'), "the curl snippet carries the form's row");
    const python = await page.getByLabel("Copy as Python text").inputValue();
    expect(python.includes("requests.post(") && python.includes(state.deploymentId), "the Python snippet calls the endpoint");
    await page.getByRole("button", { name: "Copy as curl" }).click();
    await page.getByText(/^(Copied\.|The browser refused the clipboard)/).waitFor();
  });

  await step("the endpoint is listed, undeploy asks first", async () => {
    await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Deployments" }).click();
    const link = page.locator(`a[href="/deployments/${state.deploymentId}"]`);
    await link.waitFor();
    const row = page.locator("tr", { has: link });
    expect((await row.textContent()).includes("ACTIVE"), "the endpoint is ACTIVE");
    await row.getByRole("button", { name: /^Undeploy / }).click();
    await row.getByRole("group", { name: /^Confirm undeploying/ }).waitFor();
    await row.getByRole("button", { name: "Keep it" }).click();
    await row.getByRole("button", { name: /^Undeploy / }).waitFor();
  });
  await axe("Deployments");

  await step("deploy through the pickers, then undeploy it", async () => {
    await page.getByRole("combobox", { name: "Model" }).selectOption(state.modelName);
    const version = page.getByRole("combobox", { name: "Version" });
    await version.locator(`option[value="${state.modelVersion}"]`).waitFor({ state: "attached" });
    await version.selectOption(String(state.modelVersion));
    await page.getByRole("textbox", { name: "Endpoint name" }).fill("churn-second");
    await page.getByRole("button", { name: "Deploy", exact: true }).click();
    await page.waitForURL((u) => /\/deployments\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith(state.deploymentId));
    await page.getByRole("heading", { level: 1, name: "churn-second" }).waitFor();
    await page.getByRole("button", { name: "Undeploy churn-second" }).click();
    await page.getByRole("button", { name: "Yes, undeploy" }).click();
    await page.waitForURL(/\/deployments$/);
    // An undeployed endpoint leaves the list.
    await page.getByRole("link", { name: "churn-second" }).waitFor({ state: "detached" });
    const first = page.locator("tr", { has: page.locator(`a[href="/deployments/${state.deploymentId}"]`) });
    expect((await first.textContent()).includes("ACTIVE"), "the first endpoint stays ACTIVE");
  });
}
