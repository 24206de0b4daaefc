#!/usr/bin/env node
// Real-browser smoke test of the Skyulf page against a running platform.
//
//   node smoke.mjs GATEWAY_URL SCREENSHOT.png [--csv FILE] [--timeout SECONDS]
//
// Drives Debian's chromium (/usr/bin/chromium, never a downloaded browser) through playwright-core
// and checks the page the way a person would: the header, every service SERVING, a CSV uploaded
// through the file input until it is READY with its rows and columns, the node catalog, a file that
// is not a CSV answered with the server's message naming it, no console errors, no horizontal
// overflow. Prints one JSON summary on stdout; exits 1 with a clear message on stderr when a check
// fails (2 on bad usage). Screenshots: SCREENSHOT.png after the good upload (or at the failure),
// SCREENSHOT-error.png after the bad upload.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const HERE = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.SKYULF_CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];
const SERVICES = ["ingestion", "pipeline", "registry", "deployment", "advisor"];
const NODES = ["SimpleImputer", "logistic_regression"];
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
  Buffer.from("IHDR"),
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
]);

class CheckFailed extends Error {}

function usage(message) {
  process.stderr.write(
    `${message}\nusage: node smoke.mjs GATEWAY_URL SCREENSHOT.png [--csv FILE] [--timeout SECONDS]\n`,
  );
  process.exit(2);
}

function parseArgs(argv) {
  const positional = [];
  const options = {
    csv: resolve(HERE, "../data/customers_15.csv"),
    timeout: 45,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--csv") options.csv = resolve(argv[++i] ?? usage("--csv needs a file"));
    else if (arg === "--timeout") options.timeout = Number(argv[++i] ?? usage("--timeout needs seconds"));
    else if (arg.startsWith("--")) usage(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 2) usage("expected GATEWAY_URL and SCREENSHOT path");
  const [url, screenshot] = positional;
  try {
    new URL(url);
  } catch {
    usage(`not a URL: ${url}`);
  }
  if (!(options.timeout > 0)) usage("--timeout must be a positive number of seconds");
  return { url: url.replace(/\/$/, ""), screenshot: resolve(screenshot), ...options };
}

function csvHeader(path) {
  const firstLine = readFileSync(path, "utf8").split(/\r?\n/, 1)[0];
  return firstLine.split(",").map((name) => name.trim());
}

function csvRowCount(path) {
  return readFileSync(path, "utf8")
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line.trim() !== "").length;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const deadline = started + args.timeout * 1000;
  const remaining = () => Math.max(1000, deadline - Date.now());
  const errorShot = args.screenshot.replace(/(\.png)?$/i, "-error.png");

  const summary = {
    ok: false,
    url: args.url,
    browser: null,
    checks: [],
    services: {},
    platform_status: null,
    dataset: null,
    nodes: null,
    bad_upload: null,
    layout: null,
    console_errors: [],
    expected_console_errors: [],
    failed_requests: [],
    screenshot: null,
    error_screenshot: null,
    duration_ms: 0,
  };

  const profile = mkdtempSync(join(tmpdir(), "skyulf-chromium-"));
  const work = mkdtempSync(join(tmpdir(), "skyulf-smoke-"));
  let context = null;
  let page = null;
  // While the bad upload is in flight, the browser's own "Failed to load resource: ... 400" line
  // for POST /api/v1/datasets is the expected outcome, not a defect of the page.
  let expectingBadUpload = false;

  async function check(name, fn) {
    const t0 = Date.now();
    try {
      const detail = await fn();
      summary.checks.push({ name, ok: true, ms: Date.now() - t0, ...(detail ? { detail } : {}) });
    } catch (err) {
      const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
      summary.checks.push({ name, ok: false, ms: Date.now() - t0, error: message });
      throw new CheckFailed(`${name}: ${message}`);
    }
  }

  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
      colorScheme: "light",
      timeout: 30_000,
    });
    summary.browser = context.browser()?.version() ?? null;
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);

    page.on("console", (msg) => {
      if (msg.type() !== "error") return;
      const entry = { text: msg.text(), url: msg.location().url };
      const expected =
        expectingBadUpload &&
        /status of 400/.test(entry.text) &&
        entry.url.endsWith("/api/v1/datasets");
      if (expected) summary.expected_console_errors.push(entry);
      else summary.console_errors.push(entry);
    });
    page.on("pageerror", (err) => summary.console_errors.push({ text: `uncaught: ${err.message}`, url: page.url() }));
    page.on("requestfailed", (req) => {
      const failure = req.failure()?.errorText ?? "failed";
      // The page aborts its own in-flight polls on unmount; those are not failures.
      if (failure !== "net::ERR_ABORTED") summary.failed_requests.push({ url: req.url(), failure });
    });
    page.on("response", (res) => {
      const expected = expectingBadUpload && res.status() === 400 && res.url().endsWith("/api/v1/datasets");
      if (res.status() >= 400 && !expected) {
        summary.failed_requests.push({ url: res.url(), status: res.status(), method: res.request().method() });
      }
    });

    await check("page loads", async () => {
      const response = await page.goto(`${args.url}/`, { waitUntil: "load", timeout: remaining() });
      if (response === null || !response.ok()) {
        throw new Error(`GET ${args.url}/ answered ${response?.status() ?? "nothing"}`);
      }
      const title = await page.title();
      return { status: response.status(), title };
    });

    await check('header "Skyulf" is visible', async () => {
      const heading = page.getByRole("heading", { level: 1, name: "Skyulf", exact: true });
      await heading.waitFor({ state: "visible", timeout: remaining() });
    });

    await check("all five services are SERVING", async () => {
      const panel = page.getByRole("region", { name: "Services" });
      await panel.waitFor({ state: "visible", timeout: remaining() });
      const read = async () => {
        const states = {};
        for (const item of await panel.locator("ul.services > li").all()) {
          // textContent, not innerText: the stylesheet capitalises the names for display.
          const name = ((await item.locator(".service-name").textContent()) ?? "").trim();
          states[name] = ((await item.locator(".badge").textContent()) ?? "").trim();
        }
        return states;
      };
      const until = Date.now() + Math.min(30_000, remaining());
      let lastRefresh = Date.now();
      let states = await read();
      while (!SERVICES.every((s) => states[s] === "SERVING")) {
        if (Date.now() > until) {
          throw new Error(`services panel shows ${JSON.stringify(states)}`);
        }
        // The panel re-checks every 15 s by itself; a person would press Refresh instead.
        const refresh = panel.getByRole("button", { name: "Refresh" });
        if (Date.now() - lastRefresh > 3000 && (await refresh.isEnabled())) {
          await refresh.click();
          lastRefresh = Date.now();
        }
        await page.waitForTimeout(250);
        states = await read();
      }
      summary.services = states;
      summary.platform_status = ((await panel.getByTestId("platform-status").textContent()) ?? "").trim();
      if (summary.platform_status !== "ok") {
        throw new Error(`platform badge says "${summary.platform_status}", expected "ok"`);
      }
      return states;
    });

    const upload = page.getByRole("region", { name: "Upload a dataset" });
    const expectedColumns = csvHeader(args.csv);
    const expectedRows = csvRowCount(args.csv);
    const csvName = basename(args.csv);

    await check(`upload ${csvName} until READY`, async () => {
      await upload.getByLabel("Dataset file").setInputFiles(args.csv);
      const button = upload.getByRole("button", { name: "Upload" });
      await button.click({ timeout: remaining() });
      const summaryBox = upload.locator(".dataset");
      // Either the dataset appears or the page shows why not; fail at once on the latter.
      const uploadError = upload.locator("p.error[role=alert]");
      await summaryBox.getByText(csvName, { exact: true }).or(uploadError).first()
        .waitFor({ timeout: Math.min(20_000, remaining()) });
      if (await uploadError.isVisible()) {
        throw new Error(`the page shows an error after upload: "${(await uploadError.innerText()).trim()}"`);
      }
      const badge = summaryBox.locator(".badge");
      await page.waitForFunction(
        (el) => ["READY", "FAILED"].includes(el?.textContent?.trim() ?? ""),
        await badge.elementHandle(),
        { timeout: Math.min(30_000, remaining()) },
      );
      const status = ((await badge.textContent()) ?? "").trim();
      if (status !== "READY") {
        const alert = await summaryBox.getByRole("alert").allInnerTexts();
        throw new Error(`dataset is ${status}: ${alert.join(" ") || "(no message)"}`);
      }
      const text = await summaryBox.innerText();
      const shape = text.match(/([\d,]+) rows × ([\d,]+) columns/);
      if (!shape) throw new Error(`no "N rows × M columns" line in: ${JSON.stringify(text)}`);
      const rows = Number(shape[1].replace(/,/g, ""));
      const columns = Number(shape[2].replace(/,/g, ""));
      const table = summaryBox.locator("table.columns tbody tr");
      const names = await table.locator("td:first-child").allTextContents();
      const dtypes = await table.locator("td:nth-child(2)").allTextContents();
      summary.dataset = {
        name: csvName,
        status,
        rows,
        columns,
        column_names: names.map((n) => n.trim()),
        dtypes: Object.fromEntries(names.map((n, i) => [n.trim(), dtypes[i]?.trim()])),
      };
      if (rows !== expectedRows) throw new Error(`page shows ${rows} rows, the file has ${expectedRows}`);
      if (columns !== expectedColumns.length) {
        throw new Error(`page shows ${columns} columns, the file has ${expectedColumns.length}`);
      }
      const missing = expectedColumns.filter((c) => !summary.dataset.column_names.includes(c));
      if (missing.length > 0) throw new Error(`columns table lacks ${missing.join(", ")}`);
      if (!(await button.isEnabled())) throw new Error('the "Upload" button stayed disabled after READY');
      return { rows, columns };
    });

    await check(`node catalog lists ${NODES.join(" and ")}`, async () => {
      const catalog = page.getByRole("region", { name: "Node catalog" });
      for (const id of NODES) {
        await catalog.locator("li.node code", { hasText: new RegExp(`^${id}$`) }).first()
          .waitFor({ state: "visible", timeout: remaining() });
      }
      const ids = (await catalog.locator("li.node .node-title code").allTextContents()).map((s) => s.trim());
      const groups = (await catalog.locator(".node-group > h3").allTextContents()).map((s) => s.trim());
      const countText = (await catalog.locator(".panel-head .muted").innerText()).trim();
      summary.nodes = { count: ids.length, count_label: countText, groups, found: NODES.filter((n) => ids.includes(n)) };
      if (countText !== `${ids.length} nodes`) {
        throw new Error(`header says "${countText}" but ${ids.length} nodes are listed`);
      }
      return { count: ids.length, groups: groups.length };
    });

    await check("layout fits the window", async () => {
      const layout = await page.evaluate(() => ({
        scroll_width: document.documentElement.scrollWidth,
        client_width: document.documentElement.clientWidth,
        scroll_height: document.documentElement.scrollHeight,
      }));
      summary.layout = layout;
      if (layout.scroll_width > layout.client_width) {
        throw new Error(`page is wider than the window (${layout.scroll_width} > ${layout.client_width} px)`);
      }
      return layout;
    });

    await page.screenshot({ path: args.screenshot, fullPage: true });
    summary.screenshot = args.screenshot;

    await check("a file that is not a CSV is refused, naming the file", async () => {
      const bad = join(work, "bad.csv");
      writeFileSync(bad, PNG);
      expectingBadUpload = true;
      await upload.getByLabel("Dataset file").setInputFiles(bad);
      await upload.getByRole("button", { name: "Upload" }).click({ timeout: remaining() });
      const alert = upload.locator("p.error[role=alert]");
      await alert.waitFor({ state: "visible", timeout: Math.min(20_000, remaining()) });
      const message = (await alert.innerText()).trim();
      summary.bad_upload = { file: "bad.csv", message };
      await page.waitForTimeout(300); // let the browser report the 400 before we stop expecting it
      expectingBadUpload = false;
      if (!message.includes("bad.csv")) throw new Error(`error message does not name bad.csv: "${message}"`);
      if (/^\d{3} /.test(message) || message.startsWith("Could not reach")) {
        throw new Error(`the page shows a generic error, not the server's message: "${message}"`);
      }
      if ((await upload.locator(".dataset").count()) !== 0) {
        throw new Error("a dataset summary is still shown next to the error");
      }
      return { message };
    });

    await page.screenshot({ path: errorShot, fullPage: true });
    summary.error_screenshot = errorShot;

    await check("no console errors or failed requests", async () => {
      const problems = [
        ...summary.console_errors.map((e) => `console: ${e.text}${e.url ? ` (${e.url})` : ""}`),
        ...summary.failed_requests.map((r) => `request: ${r.method ?? ""} ${r.url} ${r.status ?? r.failure}`),
      ];
      if (problems.length > 0) throw new Error(problems.join("; "));
      if (summary.expected_console_errors.length !== 1) {
        throw new Error(
          `expected exactly one browser-reported 400 for the bad upload, saw ${summary.expected_console_errors.length}`,
        );
      }
    });

    summary.ok = true;
  } catch (err) {
    if (!(err instanceof CheckFailed)) {
      summary.checks.push({ name: "run", ok: false, error: err instanceof Error ? err.message : String(err) });
    }
    if (page !== null && summary.screenshot === null) {
      try {
        await page.screenshot({ path: args.screenshot, fullPage: true, timeout: 5000 });
        summary.screenshot = args.screenshot;
      } catch {
        // the browser is gone; the summary says why
      }
    }
  } finally {
    await context?.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }

  summary.duration_ms = Date.now() - started;
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  if (!summary.ok) {
    const failed = summary.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.error}`);
    process.stderr.write(`browser smoke test FAILED: ${failed.join("; ") || "unknown error"}\n`);
    process.exit(1);
  }
  process.stderr.write(`browser smoke test passed: ${summary.checks.length} checks in ${summary.duration_ms} ms\n`);
}

await main();
