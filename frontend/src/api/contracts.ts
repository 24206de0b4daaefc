// Names for the response shapes the pages share: those the gateway's OpenAPI document types come
// from schema.ts; those it leaves free-form (signature) or does not serve yet (evaluation, job
// results) follow the REST contracts. Routes missing from schema.ts are read with
// getJson(), which reports errors exactly as the typed client does (ApiError with the server's
// message).

import { ApiError, errorMessage, toApiError, type Schemas } from "./client";

export type HistogramData = Schemas["HistogramPublic"];
export type ColumnProfile = Schemas["ColumnProfilePublic"];
export type DataAlert = Schemas["DataAlertPublic"];
export type DatasetProfile = Schemas["DatasetProfilePublic"];

export type Curve = { label: string };

export interface ModelEvaluation {
  node_id: string;
  model_type: string;
  task: "classification" | "regression" | "clustering";
  model_name: string | null;
  model_version: number | null;
  metrics: Record<string, Record<string, number> | undefined>;
  cv: null | { type: string; folds: number; metrics: Record<string, { mean: number; std: number; folds: number[] }> };
  confusion_matrix: null | { labels: string[]; counts: number[][]; normalized: number[][] };
  roc_curves: null | (Curve & { fpr: number[]; tpr: number[]; auc: number })[];
  pr_curves: null | (Curve & { precision: number[]; recall: number[]; average_precision: number })[];
  calibration: null | (Curve & { mean_predicted: number[]; fraction_positive: number[]; count: number[] })[];
  threshold_analysis: null | { thresholds: number[]; precision: number[]; recall: number[]; f1: number[] };
  residuals: null | { predicted: number[]; residual: number[]; histogram: HistogramData };
  feature_importances: null | {
    native: { feature: string; importance: number }[] | null;
    permutation: { feature: string; mean: number; std: number }[] | null;
  };
  clusters: null | { sizes: { cluster: number; size: number }[]; centroids: { features: string[]; values: number[][] } };
}

export interface Evaluation {
  job_id: string;
  models: ModelEvaluation[];
}

/** One model node's outcome in a job (graphs may train several models). */
export interface JobResult {
  node_id: string;
  model_type: string;
  model_name: string;
  model_version: number | null;
  metrics: Record<string, number>;
}

export interface SignatureInput {
  name: string;
  kind?: "integer" | "float" | "boolean" | "string" | "datetime";
  dtype: string;
}

export interface Signature {
  inputs: SignatureInput[];
  output?: { name: string; task: string; classes?: (string | number | boolean)[] | null; probabilities?: boolean };
}

/** The signature stored on a model version (free-form JSON in the OpenAPI document). */
export function asSignature(raw: unknown): Signature | null {
  if (typeof raw !== "object" || raw === null || !Array.isArray((raw as { inputs?: unknown }).inputs)) return null;
  return raw as Signature;
}

/** GET on a route the typed client does not know yet; errors become ApiError with the server's message. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { Accept: "application/json" }, signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError("UNAVAILABLE", `Could not reach the Skyulf gateway (${errorMessage(err)})`, 0);
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  if (!response.ok) throw toApiError(response.status, response.statusText, body);
  return body as T;
}
