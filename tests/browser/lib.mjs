// The harness the browser flows run in: Debian's chromium (never a downloaded browser) driven by
// playwright-core, one page shared by the flows in order (as one person would use the app), a
// screenshot per step, axe-core on every page a flow visits, and console errors collected.

import { mkdirSync, readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export const CHROMIUM = process.env.SKYULF_CHROMIUM || "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

export class FlowFailed extends Error {}

/**
 * Flows that make data over REST (page.request) act as a program would: with the platform's
 * bootstrap API key (SKYULF_API_KEY), never with the signed-in page's session cookie, whose
 * changes need the page's CSRF token.
 */
function authorizeRestHelpers(page) {
  const key = process.env.SKYULF_API_KEY;
  if (!key) return;
  const request = page.request;
  for (const method of ["get", "post", "put", "patch", "delete", "fetch", "head"]) {
    const original = request[method].bind(request);
    request[method] = (target, options = {}) =>
      original(target, { ...options, headers: { Authorization: `Bearer ${key}`, ...(options.headers ?? {}) } });
  }
}

/** Launches the browser and one page at 1280×800 that records console errors and failed requests. */
export async function openBrowser(outDir) {
  mkdirSync(outDir, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), "skyulf-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  authorizeRestHelpers(page);
  const events = { console: [], expected: [], failedRequests: [] };
  const expectations = [];
  // Chromium's console names only the page for a refused request: keep the recent error
  // responses, so the entry can name the request and what the server said.
  const refused = [];
  page.on("response", (resp) => {
    if (resp.status() < 400) return;
    const entry = { request: `${resp.request().method()} ${resp.url()}`, status: resp.status(), body: "" };
    refused.push(entry);
    if (refused.length > 20) refused.shift();
    resp.text().then((t) => (entry.body = t.slice(0, 500)), () => {});
  });
  page.on("console", (msg) => {
    if (msg.type() !== "error" && msg.type() !== "warning") return;
    const entry = { type: msg.type(), text: msg.text(), url: page.url() };
    const status = Number(/status of (\d{3})/.exec(entry.text)?.[1] ?? 0);
    const response = status ? refused.findLast((r) => r.status === status) : undefined;
    if (response !== undefined) entry.response = response;
    const expected = expectations.some((re) => re.test(entry.text));
    (expected ? events.expected : events.console).push(entry);
  });
  page.on("pageerror", (err) => events.console.push({ type: "uncaught", text: err.message, url: page.url() }));
  page.on("requestfailed", (req) => {
    const failure = req.failure()?.errorText ?? "";
    // Navigations and closed event streams abort requests on purpose.
    if (failure.includes("ERR_ABORTED")) return;
    events.failedRequests.push({ url: req.url(), failure });
  });
  return { context, page, events, expectations };
}

/** Runs axe-core on the page; returns the serious and critical violations. */
export async function axeViolations(page) {
  const present = await page.evaluate(() => typeof window.axe !== "undefined");
  // Evaluated over the DevTools protocol, not as an inline <script>: the app's Content Security
  // Policy (script-src 'self') refuses inline scripts, and stays enforced for the app itself.
  if (!present) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    }));
  });
  return result.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** The context a flow gets: steps that record their outcome and a screenshot each. */
export function flowContext({ name, page, url, outDir, state, data, expectations }) {
  const record = { name, ok: false, steps: [], screenshots: [], axe: [], error: null, duration_ms: 0 };
  let n = 0;
  const shot = async (label) => {
    n += 1;
    const path = join(outDir, `${name}-${String(n).padStart(2, "0")}-${label}.png`);
    await page.screenshot({ path, fullPage: false });
    record.screenshots.push(path);
    return path;
  };
  const step = async (label, fn) => {
    const t0 = Date.now();
    try {
      const value = await fn();
      record.steps.push({ label, ok: true, ms: Date.now() - t0 });
      await shot(label.replace(/[^a-z0-9]+/gi, "-").toLowerCase());
      return value;
    } catch (err) {
      record.steps.push({ label, ok: false, ms: Date.now() - t0, error: String(err?.message ?? err) });
      await shot(`failed-${label.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`).catch(() => {});
      throw err;
    }
  };
  /** axe-core and the horizontal-overflow check on the page as it is now. */
  const axe = async (label) => {
    const violations = await axeViolations(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    record.axe.push({ page: label, url: page.url(), violations, overflow });
  };
  /** Console errors matching `pattern` while `fn` runs are the expected outcome (e.g. a 4xx). */
  const expectConsoleError = async (pattern, fn) => {
    expectations.push(pattern);
    try {
      return await fn();
    } finally {
      expectations.splice(expectations.indexOf(pattern), 1);
    }
  };
  const expect = (condition, message) => {
    if (!condition) throw new FlowFailed(message);
  };
  return { record, ctx: { page, url, state, data, step, shot, axe, expect, expectConsoleError } };
}
