// Saved pipelines (the pipeline service owns them; the gateway serves /api/v1/pipelines). Every
// save is a new version; restoring a version saves its graph as the newest one.

import { type Schemas, client, unwrap } from "../api/client";
import type { ApiGraph, Layout } from "./graph";

export type Pipeline = Schemas["PipelinePublic"];
export type PipelineVersion = Schemas["PipelineVersionPublic"];
export type Template = Schemas["PipelineTemplatePublic"];
export type PipelineDraft = { name: string; description: string; dataset_id: string | null; graph: ApiGraph; layout: Layout };

const byId = (id: string) => ({ params: { path: { pipeline_id: id } } });

export const pipelinesApi = {
  list: (limit = 50) => unwrap(client.GET("/api/v1/pipelines", { params: { query: { limit, offset: 0 } } })),
  get: (id: string) => unwrap(client.GET("/api/v1/pipelines/{pipeline_id}", byId(id))),
  create: (draft: PipelineDraft) => unwrap(client.POST("/api/v1/pipelines", { body: draft })),
  update: (id: string, draft: PipelineDraft, keepalive = false) =>
    unwrap(client.PUT("/api/v1/pipelines/{pipeline_id}", { ...byId(id), body: draft, keepalive })),
  versions: (id: string) => unwrap(client.GET("/api/v1/pipelines/{pipeline_id}/versions", byId(id))),
  restore: (id: string, version: number) =>
    unwrap(client.POST("/api/v1/pipelines/{pipeline_id}/versions/{version}/restore", { params: { path: { pipeline_id: id, version } } })),
  templates: () => unwrap(client.GET("/api/v1/pipelines/templates")),
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
