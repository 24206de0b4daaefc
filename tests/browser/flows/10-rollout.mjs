// Rollout: an alias set on the model page, then a deployment moved to another version, rolled
// back, given a 50% canary and pointed at the alias, all through the deployment's Rollout panel.
import { ensureTrainedModel, trainJob } from "../rest.mjs";

async function json(response, what) {
  if (!response.ok()) throw new Error(`${what}: ${response.status()} ${await response.text()}`);
  return response.json();
}

export default async function rollout(ctx) {
  const { page, url, state, step, axe, expect } = ctx;
  await ensureTrainedModel(ctx); // see 04-results: only without the canvas flows before it
  const name = state.modelName;
  const list = async () => (await json(await page.request.get(`${url}/api/v1/models/${encodeURIComponent(name)}/versions`), "GET versions")).versions;
  if ((await list()).length < 2) await trainJob(ctx, name, "logistic_regression");
  const numbers = (await list()).map((v) => v.version).sort((a, b) => b - a);
  const [first, other] = numbers; // the deployment starts on the newest version; `other` is the one it moves to

  await step("set alias champion on a version from the model page", async () => {
    await page.goto(`${url}/models/${encodeURIComponent(name)}`, { waitUntil: "networkidle" });
    const form = page.getByRole("form", { name: "Set alias" });
    await form.getByLabel("Alias", { exact: true }).fill("champion");
    await form.getByLabel(/^Version/).selectOption(String(other));
    await form.getByRole("button", { name: "Set alias" }).click();
    await page.getByTestId(`aliases-v${other}`).getByText("champion", { exact: true }).waitFor();
    await page.getByRole("button", { name: "Remove alias champion" }).waitFor();
    const runtime = (await page.getByRole("region", { name: "Model versions" }).locator("tbody tr").first().textContent()) ?? "";
    expect(/onnxruntime|sklearn/.test(runtime), "each version shows the runtime that serves it");
  });
  await axe("Model aliases");

  const deployment = await json(
    await page.request.post(`${url}/api/v1/deployments`, { data: { model_name: name, model_version: first, name: `rollout-${Date.now().toString(36)}` } }),
    "POST /deployments",
  );
  const target = page.getByTestId("rollout-target");
  const split = page.getByTestId("rollout-split");
  const waitText = async (locator, text, what) => {
    const deadline = Date.now() + 60_000;
    while (((await locator.textContent()) ?? "").trim() !== text) {
      if (Date.now() > deadline) throw new Error(`${what}: "${await locator.textContent()}", expected "${text}"`);
      await page.waitForTimeout(200);
    }
  };

  await step("move the endpoint to the other version", async () => {
    await page.goto(`${url}/deployments/${deployment.id}`, { waitUntil: "networkidle" });
    await page.getByRole("heading", { level: 2, name: "Rollout" }).waitFor();
    await waitText(target, `v${first}`, "serving");
    const move = page.getByRole("form", { name: "Move the endpoint" });
    expect(await move.getByRole("button", { name: /^Roll back/ }).isDisabled(), "no rollback before a move");
    await move.getByLabel(/^Serve/).selectOption(`version:${other}`);
    await move.getByRole("button", { name: "Move endpoint" }).click();
    await waitText(target, `v${other}`, "serving after the move");
    await waitText(page.getByTestId("rollout-previous"), `v${first}`, "previous version");
    expect((await page.locator(".facts a", { hasText: name }).textContent()).includes(`v${other}`), "the model fact follows the move");
  });

  await step("roll back to the previous version", async () => {
    await page.getByRole("button", { name: `Roll back to v${first}` }).click();
    await waitText(target, `v${first}`, "serving after the rollback");
  });

  await step("a 50% canary splits the traffic", async () => {
    const canary = page.getByRole("form", { name: "Canary" });
    await canary.getByLabel(/^Canary version/).selectOption(String(other));
    await canary.getByLabel(/^Percent/).fill("50");
    expect((await canary.getByLabel(/^Canary traffic/).inputValue()) === "50", "the slider follows the number");
    await canary.getByRole("button", { name: "Set canary" }).click();
    await waitText(split, `v${first} 50% · v${other} 50% (canary)`, "traffic split");
  });
  await axe("rollout");

  await step("the endpoint follows the alias", async () => {
    const move = page.getByRole("form", { name: "Move the endpoint" });
    await move.getByLabel(/^Serve/).selectOption("alias:champion");
    await move.getByRole("button", { name: "Move endpoint" }).click();
    await waitText(target, `v${other} (follows alias champion)`, "serving the alias");
    await waitText(split, `v${other} 100%`, "the move ends the canary");
  });

  await json(await page.request.delete(`${url}/api/v1/deployments/${deployment.id}`), "DELETE the rollout deployment");
}
