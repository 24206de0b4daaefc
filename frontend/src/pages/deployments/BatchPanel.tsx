import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { withProject } from "../../api/project";
import { useDatasets } from "../../canvas/queries";
import { ErrorState } from "../../components/States";
import { StatusBadge } from "../../components/StatusBadge";
import { formatDate } from "../../lib/format";
import { useVersions } from "../models/queries";
import { useBatchJobs, useCreateBatchJob } from "./queries";

interface Props {
  deploymentId: string;
  modelName: string;
}

/** Score a stored dataset with the endpoint (or one of the model's versions), follow the job,
 * download the result. */
export function BatchPanel({ deploymentId, modelName }: Props) {
  const datasets = useDatasets();
  const versions = useVersions(modelName);
  const jobs = useBatchJobs(deploymentId);
  const create = useCreateBatchJob(deploymentId);
  const ready = (datasets.data ?? []).filter((d) => d.status === "READY");
  const [datasetId, setDatasetId] = useState("");
  const [scorer, setScorer] = useState("endpoint");
  const [keys, setKeys] = useState("");
  const chosen = datasetId !== "" ? datasetId : (ready[0]?.id ?? "");
  const columns = ready.find((d) => d.id === chosen)?.columns.map((c) => c.name) ?? [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const key_columns = keys
      .split(",")
      .map((k) => k.trim())
      .filter((k) => k !== "");
    const by = scorer === "endpoint" ? { deployment_id: deploymentId } : { model_name: modelName, model_version: Number(scorer) };
    create.mutate({ ...by, dataset_id: chosen, key_columns });
  };

  return (
    <section className="panel" aria-labelledby="batch-title">
      <div className="panel-head">
        <h2 id="batch-title">Batch scoring</h2>
        <span className="muted">scores a stored dataset on the workers; the result is a new dataset</span>
      </div>
      <form className="form-actions" onSubmit={submit} aria-label="Score a dataset">
        <label className="inline-field">
          Dataset
          <select value={chosen} onChange={(e) => setDatasetId(e.target.value)} disabled={ready.length === 0}>
            {ready.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} (v{d.version}, {d.n_rows} rows)
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          Score with
          <select value={scorer} onChange={(e) => setScorer(e.target.value)}>
            <option value="endpoint">this endpoint</option>
            {(versions.data?.versions ?? []).map((v) => (
              <option key={v.version} value={String(v.version)}>
                {modelName} v{v.version}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          Key columns
          <input
            type="text"
            value={keys}
            placeholder={columns[0] ?? "id"}
            list="batch-key-columns"
            onChange={(e) => setKeys(e.target.value)}
          />
          <datalist id="batch-key-columns">
            {columns.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </label>
        <button type="submit" disabled={create.isPending || chosen === ""}>
          Score dataset
        </button>
      </form>
      {create.isError && <ErrorState title="Could not start the batch job" error={create.error} />}
      {jobs.isError && <ErrorState title="Could not list the batch jobs" error={jobs.error} />}
      {(jobs.data?.jobs.length ?? 0) > 0 && (
        <table className="table" data-testid="batch-jobs">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Version</th>
              <th scope="col">Status</th>
              <th scope="col">Rows</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {jobs.data?.jobs.map((j) => (
              <tr key={j.id} data-testid={`batch-${j.id}`}>
                <td>{formatDate(j.created_at)}</td>
                <td>v{j.model_version}</td>
                <td>
                  <StatusBadge status={j.status} />
                  {j.error && <div className="state-error">{j.error}</div>}
                </td>
                <td>{j.status === "SUCCEEDED" ? j.n_rows : "—"}</td>
                <td>
                  {j.output_dataset_id && (
                    <span className="link-row">
                      <a href={withProject(`/api/v1/batch-jobs/${j.id}/download?format=csv`)} download>
                        CSV
                      </a>{" "}
                      <a href={withProject(`/api/v1/batch-jobs/${j.id}/download?format=parquet`)} download>
                        Parquet
                      </a>{" "}
                      <Link to={`/datasets/${j.output_dataset_id}`}>{j.output_name}</Link>
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
