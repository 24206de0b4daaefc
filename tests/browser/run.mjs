#!/usr/bin/env node
// Runs browser flows in order against a running platform and prints one JSON summary.
//
//   node run.mjs GATEWAY_URL OUT_DIR FLOW [FLOW ...] [--data DIR]
//
// FLOW names a module in flows/ (e.g. 01-dataset). The flows share one page and a `state`
// object, as one person working through the app. A failed flow stops the ones after it (they
// depend on what it made). Exit 0 when every flow passed, 1 otherwise, 2 on bad usage.

import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { openBrowser, flowContext } from "./lib.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));

function usage(message) {
  process.stderr.write(`${message}\nusage: node run.mjs GATEWAY_URL OUT_DIR FLOW [FLOW ...] [--data DIR]\n`);
  process.exit(2);
}

const argv = process.argv.slice(2);
let data = resolve(HERE, "../data");
const positional = [];
for (let i = 0; i < argv.length; i += 1) {
  if (argv[i] === "--data") data = resolve(argv[++i] ?? usage("--data needs a folder"));
  else positional.push(argv[i]);
}
const [url, outDir, ...flows] = positional;
if (!url || !outDir || flows.length === 0) usage("expected GATEWAY_URL, OUT_DIR and at least one FLOW");
for (const flow of flows) {
  if (!existsSync(join(HERE, "flows", `${flow}.mjs`))) usage(`no flow named ${flow} in flows/`);
}

const summary = { ok: false, url, flows: [], console_errors: [], expected_console_errors: [], failed_requests: [] };
const { context, page, events, expectations } = await openBrowser(resolve(outDir));
const state = {};
try {
  for (const name of flows) {
    const { default: flow } = await import(pathToFileURL(join(HERE, "flows", `${name}.mjs`)).href);
    const { record, ctx } = flowContext({ name, page, url: url.replace(/\/$/, ""), outDir: resolve(outDir), state, data, expectations });
    const t0 = Date.now();
    try {
      await flow(ctx);
      record.ok = true;
    } catch (err) {
      record.error = String(err?.stack ?? err);
    }
    record.duration_ms = Date.now() - t0;
    summary.flows.push(record);
    if (!record.ok) break;
  }
} finally {
  summary.console_errors = events.console;
  summary.expected_console_errors = events.expected;
  summary.failed_requests = events.failedRequests;
  summary.ok = summary.flows.length === flows.length && summary.flows.every((f) => f.ok);
  await context.close();
}
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
process.exit(summary.ok ? 0 : 1);
