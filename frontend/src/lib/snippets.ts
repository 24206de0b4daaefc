// "Copy as curl" and "Copy as Python": the exact prediction call the form makes, for scripts.

export interface PredictCall {
  /** The gateway's origin, e.g. http://127.0.0.1:8000 */
  origin: string;
  deploymentId: string;
  rows: Record<string, unknown>[];
}

export function predictUrl({ origin, deploymentId }: Pick<PredictCall, "origin" | "deploymentId">): string {
  return `${origin.replace(/\/$/, "")}/api/v1/deployments/${encodeURIComponent(deploymentId)}/predict`;
}

/** A POSIX shell single-quoted string ('it'\''s'). */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function curlSnippet(call: PredictCall): string {
  const body = JSON.stringify({ rows: call.rows });
  return [
    `curl -X POST ${shellQuote(predictUrl(call))} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d ${shellQuote(body)}`,
  ].join("\n");
}

/** JSON as a Python literal: true/false/null become True/False/None outside strings. */
export function pythonLiteral(value: unknown, indent = 0): string {
  const pad = " ".repeat(indent);
  const inner = " ".repeat(indent + 4);
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "None";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => `${inner}${pythonLiteral(v, indent + 4)},`).join("\n")}\n${pad}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pythonLiteral(v, indent + 4)},`).join("\n")}\n${pad}}`;
}

export function pythonSnippet(call: PredictCall): string {
  return [
    "import requests",
    "",
    `rows = ${pythonLiteral(call.rows)}`,
    "response = requests.post(",
    `    ${JSON.stringify(predictUrl(call))},`,
    '    json={"rows": rows},',
    "    timeout=30,",
    ")",
    "response.raise_for_status()",
    "print(response.json())",
    "",
  ].join("\n");
}
