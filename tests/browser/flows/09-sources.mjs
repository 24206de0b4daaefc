// A dataset from a source: the form refuses a statement that writes (naming the field), then
// reads a SQLite table into a dataset that turns READY, with its rows and a versions list.
// The stack admits ${data} as a folder SQLite sources may read (SKYULF_SQL_SQLITE_DIRS).

export default async function sources({ page, url, state, data, step, axe, expect, expectConsoleError }) {
  const form = page.getByRole("region", { name: "New dataset from a source" });

  await step("open the source form", async () => {
    await page.goto(`${url}/datasets`, { waitUntil: "networkidle" });
    await form.waitFor();
    await form.getByLabel("Source kind").selectOption("sql");
  });
  await axe("Datasets with the source form");

  await step("a statement that writes is refused, naming the query", async () => {
    await form.getByLabel("Database URL").fill(`sqlite:///${data}/shop.sqlite`);
    await form.getByLabel("Query").fill("DELETE FROM orders");
    await expectConsoleError(/status of 4\d\d/, async () => {
      await form.getByRole("button", { name: "Create dataset" }).click();
      const alert = form.getByRole("alert").filter({ hasText: "query:" });
      await alert.waitFor({ timeout: 30_000 });
      expect(/must be a SELECT/.test((await alert.textContent()) ?? ""), "the error says why");
    });
  });

  await step("a SQLite table becomes a dataset", async () => {
    await form.getByLabel("Query").fill("");
    await form.getByLabel("Table").fill("orders");
    await form.getByLabel("Dataset name").fill("shop orders");
    await form.getByRole("button", { name: "Create dataset" }).click();
    await form.getByRole("status").filter({ hasText: "shop orders is being ingested" }).waitFor({ timeout: 30_000 });
    await page.getByRole("link", { name: "shop orders" }).first().click();
    await page.waitForURL(/\/datasets\/[^/]+$/, { timeout: 30_000 });
    await page.locator(".page-head .badge", { hasText: "READY" }).waitFor({ timeout: 60_000 });
    state.sourceDatasetId = new URL(page.url()).pathname.split("/").pop();
  });

  await step("its versions list shows version 1 with its rows", async () => {
    const versions = page.getByRole("region", { name: "Versions" });
    await versions.getByRole("cell", { name: "orders", exact: true }).waitFor({ timeout: 30_000 });
    const text = (await versions.textContent()) ?? "";
    expect(/120 × 4/.test(text), `version 1 holds 120 rows of 4 columns (got ${text})`);
  });
  await axe("Dataset from a source");
}
