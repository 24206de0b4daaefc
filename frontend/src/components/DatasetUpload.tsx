import { useEffect, useRef, useState, type FormEvent } from "react";
import { errorMessage, type Dataset, type SkyulfApi } from "../api";

export function DatasetUpload({ client }: { client: SkyulfApi }) {
  const [file, setFile] = useState<File | null>(null);
  const [dataset, setDataset] = useState<Dataset | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inFlight = useRef<AbortController | null>(null);

  useEffect(() => () => inFlight.current?.abort(), []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (file === null) return;
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setBusy(true);
    setError(null);
    setDataset(null);
    try {
      const created = await client.uploadDataset(file, controller.signal);
      setDataset(created);
      await client.waitForDataset(created.id, { signal: controller.signal, onUpdate: setDataset });
    } catch (err) {
      if (!controller.signal.aborted) setError(errorMessage(err));
    } finally {
      if (!controller.signal.aborted) setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="upload-title">
      <div className="panel-head">
        <h2 id="upload-title">Upload a dataset</h2>
      </div>
      <form className="upload" onSubmit={(event) => void onSubmit(event)}>
        <input
          type="file"
          name="file"
          accept=".csv,.tsv,.parquet,.json,.jsonl,.ndjson"
          aria-label="Dataset file"
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
        />
        <button type="submit" disabled={file === null || busy}>
          {busy ? "Working…" : "Upload"}
        </button>
      </form>
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {dataset !== null && <DatasetSummary dataset={dataset} />}
    </section>
  );
}

function DatasetSummary({ dataset }: { dataset: Dataset }) {
  return (
    <div className="dataset">
      <p>
        <strong>{dataset.name}</strong>{" "}
        <span className={`badge badge-${dataset.status.toLowerCase()}`}>{dataset.status}</span>
      </p>
      {dataset.status === "PENDING" && <p className="muted">Reading and profiling the file…</p>}
      {dataset.status === "FAILED" && (
        <p className="error" role="alert">
          {dataset.error ?? "Ingestion failed without a message."}
        </p>
      )}
      {dataset.status === "READY" && (
        <>
          <p>
            {formatCount(dataset.n_rows)} rows × {formatCount(dataset.n_columns)} columns
            {dataset.size_bytes !== undefined && (
              <span className="muted"> · {formatBytes(dataset.size_bytes)}</span>
            )}
          </p>
          {dataset.columns && dataset.columns.length > 0 && (
            <table className="columns">
              <thead>
                <tr>
                  <th scope="col">Column</th>
                  <th scope="col">Type</th>
                </tr>
              </thead>
              <tbody>
                {dataset.columns.map((column) => (
                  <tr key={column.name}>
                    <td>{column.name}</td>
                    <td>
                      <code>{column.dtype}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}

function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? "?" : value.toLocaleString();
}
