// The generated client must match the committed OpenAPI document (which a Python test keeps equal
// to what the gateway serves at /openapi.json). Run `make client` to regenerate both.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import { expect, test } from "vitest";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

test("schema.ts is generated from openapi.json (run `make client` when this fails)", async () => {
  const document = JSON.parse(readFileSync(here("../../openapi.json"), "utf8"));
  const generated = astToString(await openapiTS(document));
  const committed = readFileSync(here("./schema.ts"), "utf8");
  const body = (text: string) => text.slice(text.indexOf("export interface paths"));
  expect(body(committed)).toBe(body(generated));
});
