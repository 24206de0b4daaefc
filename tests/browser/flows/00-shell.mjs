// The app asks to sign in, the first admin signs in, every section is one click away, and the
// header reports the platform healthy. Later flows run signed in.
export default async function shell({ page, url, step, axe, expect, expectConsoleError }) {
  const username = process.env.SKYULF_ADMIN_USERNAME ?? "admin";
  const password = process.env.SKYULF_ADMIN_PASSWORD ?? "";
  await step("open the app: the sign-in page", async () => {
    await page.goto(url, { waitUntil: "networkidle" });
    await page.getByRole("heading", { name: "Sign in to Skyulf" }).waitFor();
    expect((await page.getByRole("navigation", { name: "Sections" }).count()) === 0, "no section is shown before signing in");
  });
  await axe("Sign in");
  await step("a wrong password is refused", async () => {
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill("not-the-password");
    await expectConsoleError(/status of 401/, async () => {
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").filter({ hasText: "wrong username or password" }).waitFor();
    });
  });
  await step("sign in as the first admin", async () => {
    expect(password !== "", "SKYULF_ADMIN_PASSWORD holds the first admin's password");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("signed-in-as").filter({ hasText: `${username} (admin)` }).waitFor();
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
