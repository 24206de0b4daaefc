// The app opens, every section is one click away, and the header reports the platform healthy.
export default async function shell({ page, url, step, axe, expect }) {
  await step("open the app", async () => {
    await page.goto(url, { waitUntil: "networkidle" });
    expect(new URL(page.url()).pathname.startsWith("/canvas"), `/ should open the canvas, got ${page.url()}`);
  });
  await step("platform reports ok", async () => {
    const badge = page.getByTestId("platform-status");
    await badge.filter({ hasText: "platform ok" }).waitFor({ timeout: 30_000 });
  });
  for (const section of ["Datasets", "Jobs", "Models", "Deployments", "Canvas"]) {
    await step(`navigate to ${section}`, async () => {
      await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: section }).click();
      await page.waitForURL(new RegExp(`/${section.toLowerCase()}`));
      await page.getByRole("heading", { level: 1 }).first().waitFor();
    });
    await axe(section);
  }
  await step("a deep link opens its page", async () => {
    await page.goto(`${url}/jobs`, { waitUntil: "networkidle" });
    expect((await page.title()) === "Skyulf", "the page title is Skyulf");
  });
}
