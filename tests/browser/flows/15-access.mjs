// Settings: an admin creates an API key (shown once) and revokes it, creates a viewer; the viewer
// signs in, sees no user management and cannot make a key beyond their role; the admin signs
// back in, starts a project, switches to it (its dataset list is empty), and switches back.
// Independent of the other flows except the shell flow's sign-in.
const VIEWER = `viewer-${Date.now().toString(36)}`;
const VIEWER_PASSWORD = "viewer-password-123";

async function signIn(page, username, password) {
  await page.getByRole("heading", { name: "Sign in to Skyulf" }).waitFor();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("signed-in-as").filter({ hasText: username }).waitFor();
}

async function signOut(page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in to Skyulf" }).waitFor();
}

export default async function access({ page, url, step, shot, axe, expect }) {
  const admin = process.env.SKYULF_ADMIN_USERNAME ?? "admin";
  const adminPassword = process.env.SKYULF_ADMIN_PASSWORD ?? "";
  const keyName = `flow key ${Date.now().toString(36)}`;

  await step("open settings", async () => {
    await page.goto(`${url}/settings`, { waitUntil: "networkidle" });
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
    await page.getByRole("heading", { name: "Users" }).waitFor();
  });
  await axe("Settings");

  let secret = "";
  await step("create an API key: shown once", async () => {
    const form = page.getByRole("form", { name: "Create API key" });
    await form.getByLabel("Name").fill(keyName);
    await form.getByRole("button", { name: "Create key" }).click();
    secret = (await page.getByTestId("new-api-key").textContent()) ?? "";
    expect(secret.startsWith("sky_"), `a new key is shown, got ${secret}`);
    await shot("api-key-created");
    await page.getByRole("button", { name: "Done" }).click();
    await page.getByTestId("new-api-key").waitFor({ state: "detached" });
    expect(!(await page.content()).includes(secret), "the key's value is gone from the page");
  });

  await step("the key works over REST, and is refused once revoked", async () => {
    const call = () => page.request.get(`${url}/api/v1/datasets`, { headers: { Authorization: `Bearer ${secret}` } });
    expect((await call()).status() === 200, "the new key reads datasets");
    await page.getByRole("button", { name: `Revoke ${keyName}` }).click();
    await page.getByRole("row", { name: new RegExp(keyName) }).getByText("revoked").waitFor();
    expect((await call()).status() === 401, "a revoked key is refused");
  });

  await step("create a viewer", async () => {
    const form = page.getByRole("form", { name: "Create user" });
    await form.getByLabel("Username").fill(VIEWER);
    await form.getByLabel("Password").fill(VIEWER_PASSWORD);
    await form.getByLabel("Role").selectOption("viewer");
    await form.getByRole("button", { name: "Create user" }).click();
    await page.getByRole("cell", { name: VIEWER, exact: true }).waitFor();
  });

  await step("the viewer signs in and manages no users", async () => {
    await signOut(page);
    await signIn(page, VIEWER, VIEWER_PASSWORD);
    await page.goto(`${url}/settings`, { waitUntil: "networkidle" });
    await page.getByRole("heading", { name: "API keys" }).waitFor();
    expect((await page.getByRole("heading", { name: "Users" }).count()) === 0, "a viewer sees no user management");
    const scopes = await page.getByRole("group", { name: "Scopes" }).getByRole("checkbox").count();
    expect(scopes === 2, `a viewer can grant read and predict only, got ${scopes} scopes`);
    await shot("viewer-settings");
  });
  await axe("Settings (viewer)");

  await step("the admin signs back in", async () => {
    await signOut(page);
    await signIn(page, admin, adminPassword);
  });

  const project = `flow-${Date.now().toString(36)}`;
  const switcher = () => page.getByRole("combobox", { name: "Project", exact: true });
  let before = "";
  let beforeTotal = "";
  await step("start a project and switch to it: its dataset list is empty", async () => {
    await page.goto(`${url}/datasets`, { waitUntil: "networkidle" });
    before = await switcher().inputValue();
    expect(before !== "", "the switcher shows the project the app works in");
    beforeTotal = (await page.getByText(/\d+ in total/).textContent()) ?? "";
    await page.getByRole("button", { name: "New project" }).click();
    await page.getByLabel("New project name").fill(project);
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await page.waitForFunction(
      (name) => document.querySelector('select[aria-label="Project"]')?.value === name,
      project,
    );
    await page.getByText("No datasets yet: upload a CSV above.").waitFor();
    await shot("new-project-empty");
  });

  await step("the chosen project survives a reload, and switching back shows the old one", async () => {
    await page.reload({ waitUntil: "networkidle" });
    expect((await switcher().inputValue()) === project, "a reload stays in the chosen project");
    await page.getByText("No datasets yet: upload a CSV above.").waitFor();
    await switcher().selectOption(before);
    await page.waitForFunction(
      (name) => document.querySelector('select[aria-label="Project"]')?.value === name,
      before,
    );
    // The first project's datasets (those earlier flows uploaded) are back.
    await page.getByText(beforeTotal, { exact: true }).waitFor();
  });
}
