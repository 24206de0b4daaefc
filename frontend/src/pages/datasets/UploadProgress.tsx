import { formatBytes } from "../../lib/format";

export interface UploadProgressProps {
  filename: string;
  loaded: number;
  total: number;
}

/** The upload's progress as a labelled bar with the bytes sent so far. */
export function UploadProgress({ filename, loaded, total }: UploadProgressProps) {
  const percent = total > 0 ? Math.min(100, Math.round((loaded / total) * 100)) : 0;
  return (
    <div className="upload-progress">
      <label htmlFor="upload-progress-bar">Uploading {filename}</label>
      <progress id="upload-progress-bar" max={100} value={percent} aria-valuetext={`${percent}%`} />
      <span className="muted">
        {percent}% · {formatBytes(loaded)} of {formatBytes(total)}
      </span>
    </div>
  );
}
