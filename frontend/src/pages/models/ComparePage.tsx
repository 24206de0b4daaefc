import type { ReactNode } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { asSignature } from "../../api/contracts";
import { ErrorState, Loading } from "../../components/States";
import { formatCell, formatDate, formatNumber } from "../../lib/format";
import { betterSide, sortBySplit, splitOfKey } from "../../lib/metrics";
import { modelParams, useVersion, useVersions, type ModelVersion } from "./queries";

function Row({ label, a, b, better }: { label: string; a: ReactNode; b: ReactNode; better?: "a" | "b" | null }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td className={better === "a" ? "better" : undefined}>
        {a}
        {better === "a" && <span className="visually-hidden"> (better)</span>}
      </td>
      <td className={better === "b" ? "better" : undefined}>
        {b}
        {better === "b" && <span className="visually-hidden"> (better)</span>}
      </td>
    </tr>
  );
}

function Section({ title }: { title: string }) {
  return (
    <tr>
      <th scope="colgroup" colSpan={3} className="section-row">
        {title}
      </th>
    </tr>
  );
}

function inputs(v: ModelVersion): string {
  const sig = asSignature(v.signature);
  return sig === null ? "—" : sig.inputs.map((i) => `${i.name} (${i.kind ?? i.dtype})`).join(", ");
}

function CompareTable({ a, b }: { a: ModelVersion; b: ModelVersion }) {
  // Test metrics first: they are the ones to choose a version by.
  const metricKeys = sortBySplit([...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])]).sort(
    (x, y) => Number(splitOfKey(y).split === "test") - Number(splitOfKey(x).split === "test"),
  );
  const pa = modelParams(a) ?? {};
  const pb = modelParams(b) ?? {};
  const paramKeys = [...new Set([...Object.keys(pa), ...Object.keys(pb)])].sort();
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Versions compared">
      <table className="data-table compare-table">
        <caption className="visually-hidden">
          Version {a.version} and version {b.version} side by side; the better metric value is marked
        </caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Version {a.version}</th>
            <th scope="col">Version {b.version}</th>
          </tr>
        </thead>
        <tbody>
          <Row label="Model type" a={a.model_type} b={b.model_type} />
          <Row label="Task" a={a.task} b={b.task} />
          <Row label="Created" a={formatDate(a.created_at)} b={formatDate(b.created_at)} />
          <Section title="Metrics" />
          {metricKeys.length === 0 && <Row label="—" a="no metrics" b="no metrics" />}
          {metricKeys.map((key) => {
            const { split, metric } = splitOfKey(key);
            return (
              <Row
                key={key}
                label={`${split} ${metric}`}
                a={formatNumber(a.metrics[key])}
                b={formatNumber(b.metrics[key])}
                better={betterSide(metric, a.metrics[key], b.metrics[key])}
              />
            );
          })}
          <Section title="Parameters" />
          {paramKeys.length === 0 && <Row label="—" a="defaults" b="defaults" />}
          {paramKeys.map((k) => (
            <Row key={k} label={k} a={formatCell(pa[k]) || "—"} b={formatCell(pb[k]) || "—"} />
          ))}
          <Section title="Signature and lineage" />
          <Row label="Inputs" a={inputs(a)} b={inputs(b)} />
          <Row
            label="Dataset"
            a={<Link to={`/datasets/${a.lineage.dataset_id}`}>{a.lineage.dataset_id.slice(0, 8)}{a.lineage.dataset_version != null ? ` v${a.lineage.dataset_version}` : ""}</Link>}
            b={<Link to={`/datasets/${b.lineage.dataset_id}`}>{b.lineage.dataset_id.slice(0, 8)}{b.lineage.dataset_version != null ? ` v${b.lineage.dataset_version}` : ""}</Link>}
          />
          <Row
            label="Job"
            a={<Link to={`/jobs/${a.lineage.job_id}`}>{a.lineage.job_id.slice(0, 8)}</Link>}
            b={<Link to={`/jobs/${b.lineage.job_id}`}>{b.lineage.job_id.slice(0, 8)}</Link>}
          />
          <Row
            label="Pipeline"
            a={<Link to={`/canvas?job=${encodeURIComponent(a.lineage.job_id)}`}>Open pipeline (v{a.version})</Link>}
            b={<Link to={`/canvas?job=${encodeURIComponent(b.lineage.job_id)}`}>Open pipeline (v{b.version})</Link>}
          />
        </tbody>
      </table>
    </div>
  );
}

export default function ComparePage() {
  const { modelName = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const a = params.get("a");
  const b = params.get("b");
  const versions = useVersions(modelName);
  const va = useVersion(modelName, a);
  const vb = useVersion(modelName, b);
  const numbers = (versions.data?.versions ?? []).map((v) => v.version).sort((x, y) => y - x);
  const pick = (side: "a" | "b", value: string) => {
    const next = new URLSearchParams(params);
    next.set(side, value);
    setParams(next, { replace: true });
  };
  return (
    <div className="page">
      <div className="page-head">
        <h1>Compare versions of {modelName}</h1>
        <Link className="button-link" to={`/models/${encodeURIComponent(modelName)}`}>
          Back to {modelName}
        </Link>
      </div>
      <section className="panel" aria-labelledby="pick-title">
        <h2 id="pick-title" className="visually-hidden">
          Versions to compare
        </h2>
        {versions.isError && <ErrorState title={`Could not list the versions of ${modelName}`} error={versions.error} />}
        <div className="form-actions">
          {(["a", "b"] as const).map((side) => (
            <label className="inline-field" key={side}>
              Version {side.toUpperCase()}
              <select value={(side === "a" ? a : b) ?? ""} onChange={(e) => pick(side, e.target.value)}>
                <option value="">choose…</option>
                {numbers.map((n) => (
                  <option key={n} value={String(n)}>
                    v{n}
                  </option>
                ))}
              </select>
            </label>
          ))}
          {numbers.length < 2 && versions.data !== undefined && (
            <span className="muted">This model has {numbers.length} version: there is nothing to compare it with yet.</span>
          )}
        </div>
      </section>
      {(va.isPending && a) || (vb.isPending && b) ? <Loading what="versions" /> : null}
      {va.isError && <ErrorState title={`Could not read version ${a}`} error={va.error} />}
      {vb.isError && <ErrorState title={`Could not read version ${b}`} error={vb.error} />}
      {va.data !== undefined && vb.data !== undefined && (
        <section className="panel" aria-labelledby="compare-title">
          <h2 id="compare-title">
            v{va.data.version} and v{vb.data.version}
          </h2>
          <CompareTable a={va.data} b={vb.data} />
        </section>
      )}
      {va.data !== undefined && vb.data === undefined && !vb.isPending && (
        <p className="muted">Choose version B to compare with v{va.data.version}.</p>
      )}
    </div>
  );
}
