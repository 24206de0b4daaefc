// REST helpers for flows that need data made by earlier flows. The full run makes it through the
// UI (01-dataset uploads, the canvas flows train); a flow run on its own creates it here instead.

import { readFileSync } from "node:fs";

/** A small graph on the churn CSV: split → impute → one-hot → scale → model. */
export function churnGraph(modelType, params = {}) {
  return {
    nodes: [
      { id: "drop", type: "DropMissingColumns", params: { columns: ["customer_id", "signup_date", "lat", "lon"] } },
      { id: "split", type: "TrainTestSplitter", params: { target_column: "churned", test_size: 0.25, stratify: true } },
      { id: "impute", type: "SimpleImputer", params: { strategy: "median", columns: ["age", "income"] } },
      { id: "onehot", type: "OneHotEncoder", params: { columns: ["city", "plan_type"] } },
      { id: "scale", type: "StandardScaler", params: { columns: ["age", "income", "tenure_months", "monthly_spend"] } },
      { id: "model", type: modelType, params },
    ],
    edges: [
      { source: "drop", target: "split" },
      { source: "split", target: "impute" },
      { source: "impute", target: "onehot" },
      { source: "onehot", target: "scale" },
      { source: "scale", target: "model" },
    ],
  };
}

async function json(response, what) {
  if (!response.ok()) throw new Error(`${what}: ${response.status()} ${await response.text()}`);
  return response.json();
}

async function waitFor(page, url, path, done, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = await json(await page.request.get(`${url}${path}`), `GET ${path}`);
    if (done.includes(body.status)) return body;
    if (Date.now() > deadline) throw new Error(`${path} stayed ${body.status}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Uploads the churn CSV (when state has no dataset yet) and waits for READY. */
export async function ensureDataset({ page, url, state, data }) {
  if (state.datasetId) return;
  const response = await page.request.post(`${url}/api/v1/datasets`, {
    multipart: { file: { name: "churn_300.csv", mimeType: "text/csv", buffer: readFileSync(`${data}/churn_300.csv`) } },
  });
  const dataset = await json(response, "upload churn_300.csv");
  const ready = await waitFor(page, url, `/api/v1/datasets/${dataset.id}`, ["READY", "FAILED"]);
  if (ready.status !== "READY") throw new Error(`churn_300.csv: ${ready.error}`);
  state.datasetId = ready.id;
  state.datasetName = ready.name;
}

/** Trains a model version through POST /jobs and waits for the job to succeed. */
export async function trainJob({ page, url, state }, modelName, modelType, params = {}) {
  const response = await page.request.post(`${url}/api/v1/jobs`, {
    data: { dataset_id: state.datasetId, graph: churnGraph(modelType, params), model_name: modelName },
  });
  const job = await json(response, "POST /jobs");
  const done = await waitFor(page, url, `/api/v1/jobs/${job.id}`, ["SUCCEEDED", "FAILED", "CANCELLED"]);
  if (done.status !== "SUCCEEDED") throw new Error(`job ${job.id} ${done.status}: ${JSON.stringify(done.error)}`);
  return done;
}

/**
 * Without the canvas flows before it (state.jobId unset), trains two versions of one model
 * through the REST API so that the results, registry and deploy flows have something to show.
 */
export async function ensureTrainedModel(ctx) {
  const { state } = ctx;
  if (state.jobId) return;
  await ensureDataset(ctx);
  const name = `churn-web-${Date.now().toString(36)}`;
  await trainJob(ctx, name, "logistic_regression");
  const job = await trainJob(ctx, name, "random_forest_classifier", { n_estimators: 30 });
  state.jobId = job.id;
  state.modelName = job.model_name;
  state.modelVersion = job.model_version;
}

/** The first data row of a CSV as {column: text}. */
export function firstCsvRow(path) {
  const [header, first] = readFileSync(path, "utf8").split(/\r?\n/);
  const names = header.split(",");
  const values = first.split(",");
  return Object.fromEntries(names.map((n, i) => [n, values[i] ?? ""]));
}
