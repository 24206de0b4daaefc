// Saved pipelines (the pipeline service owns them; the gateway serves /api/v1/pipelines). Every
// save is a new version; restoring a version saves its graph as the newest one.

import { ApiError, toApiError } from "../api/client";
import type { ApiGraph, Layout } from "./graph";

export type Pipeline = {
  id: string;
  name: string;
  description: string;
  dataset_id: string | null;
  version: number;
  graph: ApiGraph;
  layout: Layout;
  created_at: string;
  updated_at: string;
};

export type PipelineVersion = { version: number; graph: ApiGraph; layout: Layout; created_at: string; name: string };

export type Template = { id: string; name: string; description: string; task: string; graph: ApiGraph; layout: Layout };

export type PipelineDraft = { name: string; description?: string; dataset_id: string | null; graph: ApiGraph; layout: Layout };

const BASE = "/api/v1/pipelines";

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: { "content-type": "application/json", accept: "application/json", ...(init.headers ?? {}) },
  }).catch((err: unknown) => {
    throw new ApiError("UNAVAILABLE", `Could not reach the Skyulf gateway (${String(err)})`, 0);
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw toApiError(response.status, response.statusText, body);
  return body as T;
}

export const pipelinesApi = {
  list: (limit = 50) => call<{ pipelines: Pipeline[]; total: number }>(`${BASE}?limit=${limit}&offset=0`),
  get: (id: string) => call<Pipeline>(`${BASE}/${encodeURIComponent(id)}`),
  create: (draft: PipelineDraft) => call<Pipeline>(BASE, { method: "POST", body: JSON.stringify(draft) }),
  update: (id: string, draft: PipelineDraft, keepalive = false) =>
    call<Pipeline>(`${BASE}/${encodeURIComponent(id)}`, { method: "PUT", body: JSON.stringify(draft), keepalive }),
  versions: (id: string) => call<{ versions: PipelineVersion[] }>(`${BASE}/${encodeURIComponent(id)}/versions`),
  restore: (id: string, version: number) =>
    call<Pipeline>(`${BASE}/${encodeURIComponent(id)}/versions/${version}/restore`, { method: "POST" }),
  templates: () => call<{ templates: Template[] }>(`${BASE}/templates`),
};

/** The last pipeline a person had open: `/canvas` without an id opens it again. */
export const LAST_PIPELINE_KEY = "skyulf.canvas.lastPipeline";

export function rememberPipeline(id: string | null): void {
  try {
    if (id === null) localStorage.removeItem(LAST_PIPELINE_KEY);
    else localStorage.setItem(LAST_PIPELINE_KEY, id);
  } catch {
    // Storage may be disabled (private mode); the canvas still works, it just forgets.
  }
}

export function lastPipeline(): string | null {
  try {
    return localStorage.getItem(LAST_PIPELINE_KEY);
  } catch {
    return null;
  }
}
