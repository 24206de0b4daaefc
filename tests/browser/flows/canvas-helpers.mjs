// What the canvas flows do by hand: open the canvas, drag a node from the palette onto it,
// connect two nodes by their handles, and select a node.

export async function openCanvas(page, href) {
  await page.goto(href, { waitUntil: "networkidle" });
  await page.getByRole("navigation", { name: "Node palette" }).waitFor();
}

/** Drags the palette entry `type` onto the canvas at `at` (fractions of its width and height). */
export async function dragFromPalette(page, type, at) {
  const flow = page.getByTestId("flow");
  const box = await flow.boundingBox();
  const entry = page.getByRole("navigation", { name: "Node palette" }).locator(`[data-node-type="${type}"]`);
  await entry.scrollIntoViewIfNeeded();
  await entry.dragTo(flow, { targetPosition: { x: Math.round(box.width * at[0]), y: Math.round(box.height * at[1]) } });
}

/** Drags from `source`'s output handle to `target`'s input handle. */
export async function connectNodes(page, source, target) {
  const from = await page.getByTestId(`node-${source}`).locator(".react-flow__handle.source").boundingBox();
  const to = await page.getByTestId(`node-${target}`).locator(".react-flow__handle.target").boundingBox();
  const before = await page.locator(".react-flow__edge").count();
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 5 });
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction((n) => document.querySelectorAll(".react-flow__edge").length > n, before);
}

/** Clicks a node and waits for its form in the side panel. */
export async function selectNode(page, id) {
  await page.getByTestId(`node-${id}`).click();
  await page.getByRole("tab", { name: "Node" }).click();
  await page.locator("#inspector-title").waitFor();
  await page.getByText(id, { exact: true }).first().waitFor();
}

export async function nodeBox(page, id) {
  return page.getByTestId(`node-${id}`).boundingBox();
}
