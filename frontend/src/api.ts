// Typed client for the Skyulf gateway. The gateway serves this app and the API on one origin,
// so every URL is relative. Errors arrive as {"error": {"code", "message", "details"}} and are
// raised as ApiError carrying the server's message.

export const SERVICE_NAMES = [
  "ingestion",
  "pipeline",
  "registry",
  "deployment",
  "advisor",
] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];
export type ServingStatus = "SERVING" | "NOT_SERVING" | "UNKNOWN" | "UNREACHABLE";

export interface Health {
  status: "ok" | "degraded";
  services: Partial<Record<ServiceName, ServingStatus>> & Record<string, ServingStatus>;
}

export type DatasetStatus = "PENDING" | "READY" | "FAILED" | "UNSPECIFIED";

export interface DatasetColumn {
  name: string;
  dtype: string;
}

export interface Dataset {
  id: string;
  name: string;
  status: DatasetStatus;
  source_filename?: string;
  size_bytes?: number;
  n_rows?: number | null;
  n_columns?: number | null;
  columns?: DatasetColumn[] | null;
  error?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
}

export interface NodeSpec {
  id: string;
  group: string;
  description: string;
  learns: boolean;
  train_only: boolean;
  params_schema: JsonSchema;
}

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  [keyword: string]: unknown;
}

export interface NodeCatalog {
  nodes: NodeSpec[];
}

interface ErrorEnvelope {
  error: { code: string; message: string; details?: unknown };
}

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;

  constructor(code: string, message: string, status: number, details: unknown = null) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** Turns any thrown value into text fit to show a person. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

function isErrorEnvelope(body: unknown): body is ErrorEnvelope {
  if (typeof body !== "object" || body === null || !("error" in body)) return false;
  const error = (body as { error: unknown }).error;
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { message?: unknown }).message === "string"
  );
}

function isHealth(body: unknown): body is Health {
  return (
    typeof body === "object" &&
    body !== null &&
    "status" in body &&
    "services" in body &&
    typeof (body as { services: unknown }).services === "object"
  );
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toApiError(response: Response, body: unknown): ApiError {
  if (isErrorEnvelope(body)) {
    const { code, message, details } = body.error;
    return new ApiError(code, message, response.status, details ?? null);
  }
  const reason = response.statusText || "request failed";
  return new ApiError("HTTP_ERROR", `${response.status} ${reason}`, response.status, body);
}

export interface PollOptions {
  /** Delay before the first re-check; it doubles up to maxIntervalMs. */
  intervalMs?: number;
  maxIntervalMs?: number;
  signal?: AbortSignal;
  /** Called with every state fetched, including the last one. */
  onUpdate?: (dataset: Dataset) => void;
}

export class SkyulfApi {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(baseUrl = "", fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args)) {
    this.baseUrl = baseUrl.replace(/\/$/, "");
    this.fetchImpl = fetchImpl;
  }

  private async send(path: string, init?: RequestInit): Promise<{ response: Response; body: unknown }> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, {
        ...init,
        headers: { Accept: "application/json", ...init?.headers },
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === "AbortError") throw err;
      throw new ApiError("UNAVAILABLE", `Could not reach the Skyulf gateway (${errorMessage(err)})`, 0);
    }
    return { response, body: await readJson(response) };
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const { response, body } = await this.send(path, init);
    if (!response.ok) throw toApiError(response, body);
    return body as T;
  }

  /** GET /healthz. A degraded platform may answer 503 with the same body: that is still a report. */
  async getHealth(signal?: AbortSignal): Promise<Health> {
    const { response, body } = await this.send("/healthz", { signal });
    if (isHealth(body)) return body;
    throw toApiError(response, body);
  }

  uploadDataset(file: File, signal?: AbortSignal): Promise<Dataset> {
    const form = new FormData();
    form.append("file", file, file.name);
    return this.request<Dataset>("/api/v1/datasets", { method: "POST", body: form, signal });
  }

  getDataset(id: string, signal?: AbortSignal): Promise<Dataset> {
    return this.request<Dataset>(`/api/v1/datasets/${encodeURIComponent(id)}`, { signal });
  }

  listNodes(signal?: AbortSignal): Promise<NodeCatalog> {
    return this.request<NodeCatalog>("/api/v1/nodes", { signal });
  }

  /** Re-fetches a dataset until ingestion settles it as READY or FAILED. */
  async waitForDataset(id: string, options: PollOptions = {}): Promise<Dataset> {
    const { intervalMs = 500, maxIntervalMs = 5000, signal, onUpdate } = options;
    let delay = intervalMs;
    for (;;) {
      const dataset = await this.getDataset(id, signal);
      onUpdate?.(dataset);
      if (isSettled(dataset)) return dataset;
      await sleep(delay, signal);
      delay = Math.min(delay * 2, maxIntervalMs);
    }
  }
}

export function isSettled(dataset: Dataset): boolean {
  return dataset.status === "READY" || dataset.status === "FAILED";
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Groups the catalog for display: groups and the nodes inside them in alphabetical order. */
export function groupNodes(nodes: readonly NodeSpec[]): [string, NodeSpec[]][] {
  const groups = new Map<string, NodeSpec[]>();
  for (const node of nodes) {
    const members = groups.get(node.group) ?? [];
    members.push(node);
    groups.set(node.group, members);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, members]) => [group, [...members].sort((a, b) => a.id.localeCompare(b.id))]);
}

/** The service rows to show: the five known services first, in a fixed order, then any others. */
export function serviceRows(health: Health | null): [string, ServingStatus][] {
  const services = health?.services ?? {};
  const known = SERVICE_NAMES.map((name): [string, ServingStatus] => [name, services[name] ?? "UNKNOWN"]);
  const extra = Object.entries(services)
    .filter(([name]) => !(SERVICE_NAMES as readonly string[]).includes(name))
    .sort(([a], [b]) => a.localeCompare(b));
  return [...known, ...extra];
}

export const api = new SkyulfApi();
