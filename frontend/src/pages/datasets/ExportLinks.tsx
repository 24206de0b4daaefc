// Download a dataset version as CSV (spreadsheet formulas neutralised by the server) or Parquet.
// Plain links: the browser streams the file to disk, it never sits in the page's memory.

import { withProject } from "../../api/project";

export function exportHref(datasetId: string, format: "csv" | "parquet", version?: number): string {
  const query = new URLSearchParams({ format });
  if (version !== undefined) query.set("version", String(version));
  return withProject(`/api/v1/datasets/${encodeURIComponent(datasetId)}/export?${query.toString()}`);
}

export function ExportLinks({ datasetId, version, label }: { datasetId: string; version?: number; label: string }) {
  return (
    <span className="export-links">
      <a className="button-link" href={exportHref(datasetId, "csv", version)} download aria-label={`Download ${label} as CSV`}>
        CSV
      </a>
      <a className="button-link" href={exportHref(datasetId, "parquet", version)} download aria-label={`Download ${label} as Parquet`}>
        Parquet
      </a>
    </span>
  );
}
