// Response shapes the gateway's OpenAPI document does not type (free-form JSON bodies) or does
// not serve yet, as agreed in the REST contracts. Routes missing from schema.ts are read with
// getJson(), which reports errors exactly as the typed client does (ApiError with the server's
// message).

import { ApiError, errorMessage, toApiError } from "./client";

export interface HistogramData {
  edges: number[];
  counts: number[];
}

export interface ColumnProfile {
  name: string;
  dtype: string;
  kind: "numeric" | "categorical" | "text" | "datetime" | "boolean" | "id";
  missing_count: number;
  missing_ratio: number;
  unique_count: number;
  min?: number | string | null;
  max?: number | string | null;
  mean?: number | null;
  std?: number | null;
  median?: number | null;
  skew?: number | null;
  top_values?: { value: string | number | boolean | null; count: number }[];
  histogram?: HistogramData | null;
}

export interface DataAlert {
  kind: string;
  column: string | null;
  severity: "info" | "warning" | "critical";
  message: string;
}

export interface DatasetProfile {
  n_rows: number;
  n_columns: number;
  duplicate_rows: number;
  columns: ColumnProfile[];
  alerts: DataAlert[];
}

/** GET /datasets/{id}/profile answers the profile itself or wraps it as {dataset_id, profile}. */
export function asProfile(body: unknown): DatasetProfile {
  const inner = typeof body === "object" && body !== null && "profile" in body ? (body as { profile: unknown }).profile : body;
  const p = (inner ?? {}) as Partial<DatasetProfile>;
  return {
    n_rows: p.n_rows ?? 0,
    n_columns: p.n_columns ?? 0,
    duplicate_rows: p.duplicate_rows ?? 0,
    columns: p.columns ?? [],
    alerts: p.alerts ?? [],
  };
}

export interface DatasetRows {
  dataset_id: string;
  offset: number;
  limit: number;
  total: number;
  columns: { name: string; dtype: string }[];
  rows: Record<string, unknown>[];
}

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
