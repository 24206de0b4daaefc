import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { uploadDataset, type UploadProgress as Progress } from "../../api/upload";
import { ErrorState } from "../../components/States";
import { StatusBadge } from "../../components/StatusBadge";
import { datasetKeys, useDataset } from "./queries";
import { UploadProgress } from "./UploadProgress";

/** Upload a CSV with a moving progress bar, follow its ingestion to READY, then open it. */
export function UploadDataset() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [uploadedId, setUploadedId] = useState<string | null>(null);
  const followed = useDataset(uploadedId);
  const status = followed.data?.status;

  useEffect(() => {
    if (uploadedId === null || status === undefined || status === "PENDING") return;
    void queryClient.invalidateQueries({ queryKey: datasetKeys.all, exact: true });
    if (status === "READY") navigate(`/datasets/${uploadedId}`);
  }, [uploadedId, status, navigate, queryClient]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (file === null) return;
    setError(null);
    setUploadedId(null);
    setProgress({ loaded: 0, total: file.size });
    try {
      const dataset = await uploadDataset(file, setProgress);
      queryClient.setQueryData(datasetKeys.one(dataset.id), dataset);
      setUploadedId(dataset.id);
    } catch (err) {
      setError(err);
      setProgress(null);
    }
  };

  const busy = progress !== null && (uploadedId === null || status === "PENDING");
  return (
    <section className="panel" aria-labelledby="upload-title">
      <div className="panel-head">
        <h2 id="upload-title">Upload a CSV</h2>
      </div>
      <form className="upload" onSubmit={submit}>
        <label htmlFor="dataset-file">CSV file</label>
        <input
          id="dataset-file"
          ref={input}
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setProgress(null);
            setError(null);
            setUploadedId(null);
          }}
        />
        <button type="submit" disabled={file === null || busy}>
          Upload
        </button>
      </form>
      {progress !== null && file !== null && (
        <UploadProgress filename={file.name} loaded={progress.loaded} total={progress.total} />
      )}
      {uploadedId !== null && followed.data !== undefined && (
        <p role="status" aria-live="polite">
          {followed.data.source_filename}: <StatusBadge status={followed.data.status} />
          {followed.data.status === "PENDING" && " reading and profiling the file…"}
        </p>
      )}
      {followed.data?.status === "FAILED" && (
        <ErrorState title={`Could not ingest ${followed.data.source_filename}`} error={followed.data.error ?? "ingestion failed"} />
      )}
      {followed.isError && <ErrorState title="Could not follow the upload" error={followed.error} />}
      {error !== null && <ErrorState title={`Could not upload ${file?.name ?? "the file"}`} error={error} />}
    </section>
  );
}
