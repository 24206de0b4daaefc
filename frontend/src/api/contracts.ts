// Names for the response shapes the pages share: those the gateway's OpenAPI document types come
// from schema.ts; those it leaves free-form (signature) or does not serve yet (job results of
// branching graphs) follow the REST contracts.

import type { Schemas } from "./client";

export type HistogramData = Schemas["HistogramPublic"];
export type ColumnProfile = Schemas["ColumnProfilePublic"];
export type DataAlert = Schemas["DataAlertPublic"];
export type DatasetProfile = Schemas["DatasetProfilePublic"];
export type CorrelationMatrix = Schemas["CorrelationMatrixPublic"];
export type TargetAnalysisData = Schemas["TargetAnalysisPublic"];
export type TargetAnalysisResult = Schemas["TargetAnalysisResult"];

export type ModelEvaluation = Schemas["ModelEvaluationPublic"];
export type Evaluation = Schemas["EvaluationPublic"];

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

// Tuning: GET /api/v1/jobs/{id}/trials (one study per tuned model node) and the `trial` job events.
export type TrialList = Schemas["TrialList"];
export type Study = Schemas["StudyPublic"];
export type Trial = Schemas["TrialPublic"];
export type TrialState = Trial["state"];
