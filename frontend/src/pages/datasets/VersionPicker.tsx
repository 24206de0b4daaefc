// Which READY version of the dataset the page shows: its rows, profile, alerts and target panel.

import { useVersions } from "./queries";

export function VersionPicker({
  datasetId,
  status,
  latest,
  version,
  onChange,
}: {
  datasetId: string;
  status: string;
  latest: number;
  version: number;
  onChange: (version: number) => void;
}) {
  const versions = useVersions(datasetId, status);
  const listed = versions.data?.versions ?? [];
  const name = (n: number) => `Version ${n}${n === latest ? " (latest)" : ""}`;
  return (
    <label className="inline-field">
      Version shown
      <select value={version} onChange={(e) => onChange(Number(e.target.value))} disabled={listed.length < 2}>
        {/* Until the list arrives, the version shown is its only option. */}
        {!listed.some((v) => v.version === version) && <option value={version}>{name(version)}</option>}
        {listed.map((v) => (
          <option key={v.version} value={v.version}>
            {`${name(v.version)} · ${v.source_filename} · ${v.n_rows.toLocaleString("en-US")} × ${v.n_columns}`}
          </option>
        ))}
      </select>
    </label>
  );
}
