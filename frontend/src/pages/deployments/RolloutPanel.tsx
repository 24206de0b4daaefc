import { useState, type FormEvent } from "react";
import type { Schemas } from "../../api/client";
import { ErrorState } from "../../components/States";
import { canarySplit, clampPercent, hasCanary, targetText } from "../../lib/rollout";
import { useVersions } from "../models/queries";
import { useRollback, useUpdateDeployment } from "./queries";

type Deployment = Schemas["DeploymentPublic"];

/** Where the endpoint's traffic goes, and the controls to move it, canary it and roll it back. */
export function RolloutPanel({ dep }: { dep: Deployment }) {
  const versions = useVersions(dep.model_name);
  const update = useUpdateDeployment(dep.id);
  const rollback = useRollback(dep.id);
  const list = [...(versions.data?.versions ?? [])].sort((a, b) => b.version - a.version);
  const aliases = list.flatMap((v) => v.aliases.map((a) => ({ alias: a, version: v.version }))).sort((a, b) => a.alias.localeCompare(b.alias));
  const current = dep.model_alias ? `alias:${dep.model_alias}` : `version:${dep.model_version}`;
  const [target, setTarget] = useState("");
  const chosen = target !== "" ? target : current;
  const [canaryVersion, setCanaryVersion] = useState("");
  const [percent, setPercent] = useState(dep.canary_percent);
  const canaryChosen = canaryVersion !== "" ? canaryVersion : String(dep.canary_version ?? list.find((v) => v.version !== dep.model_version)?.version ?? "");
  const inactive = dep.status === "DELETED";
  const busy = update.isPending || rollback.isPending || inactive;

  const move = (event: FormEvent) => {
    event.preventDefault();
    const [kind, value] = chosen.split(/:(.*)/s);
    update.mutate(kind === "alias" ? { model_alias: value, canary_percent: 0 } : { model_version: Number(value), canary_percent: 0 }, {
      onSuccess: () => setTarget(""),
    });
  };
  const canary = (event: FormEvent) => {
    event.preventDefault();
    if (canaryChosen === "") return;
    update.mutate({ canary_version: Number(canaryChosen), canary_percent: clampPercent(percent) });
  };
  const stopCanary = () => update.mutate({ canary_version: null, canary_percent: 0 }, { onSuccess: () => setPercent(0) });

  return (
    <section className="panel" aria-labelledby="rollout-title">
      <div className="panel-head">
        <h2 id="rollout-title">Rollout</h2>
        <span className="muted">a new version is loaded and checked before it takes traffic</span>
      </div>
      {dep.last_error && (
        <div className="state state-error" role="alert" data-testid="last-error">
          <strong>The last change did not take traffic: </strong>
          {dep.last_error}
        </div>
      )}
      <dl className="facts">
        <div>
          <dt>Serving</dt>
          <dd data-testid="rollout-target">{targetText(dep)}</dd>
        </div>
        <div>
          <dt>Traffic</dt>
          <dd data-testid="rollout-split">{canarySplit(dep)}</dd>
        </div>
        <div>
          <dt>Previous version</dt>
          <dd data-testid="rollout-previous">{dep.previous_version != null ? `v${dep.previous_version}` : "—"}</dd>
        </div>
      </dl>
      {versions.isError && <ErrorState title={`Could not list the versions of ${dep.model_name}`} error={versions.error} />}
      <form className="form-actions" onSubmit={move} aria-label="Move the endpoint">
        <label className="inline-field">
          Serve
          <select value={chosen} onChange={(e) => setTarget(e.target.value)} disabled={list.length === 0}>
            {list.map((v) => (
              <option key={`v${v.version}`} value={`version:${v.version}`}>
                v{v.version} ({v.runtime})
              </option>
            ))}
            {aliases.map((a) => (
              <option key={`a${a.alias}`} value={`alias:${a.alias}`}>
                alias {a.alias} (now v{a.version})
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={busy || chosen === current}>
          Move endpoint
        </button>
        <button type="button" className="button-secondary" onClick={() => rollback.mutate()} disabled={busy || dep.previous_version == null}>
          {dep.previous_version != null ? `Roll back to v${dep.previous_version}` : "Roll back"}
        </button>
      </form>
      <form className="form-actions" onSubmit={canary} aria-label="Canary">
        <label className="inline-field">
          Canary version
          <select value={canaryChosen} onChange={(e) => setCanaryVersion(e.target.value)} disabled={list.length === 0}>
            {list.map((v) => (
              <option key={v.version} value={String(v.version)}>
                v{v.version}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          Canary traffic
          <input type="range" min={0} max={100} step={5} value={percent} onChange={(e) => setPercent(clampPercent(Number(e.target.value)))} />
        </label>
        <label className="inline-field">
          Percent
          <input
            type="number"
            min={0}
            max={100}
            value={percent}
            className="percent-input"
            onChange={(e) => setPercent(clampPercent(e.target.valueAsNumber))}
          />
        </label>
        <button type="submit" disabled={busy || canaryChosen === ""}>
          Set canary
        </button>
        {hasCanary(dep) && (
          <button type="button" className="button-secondary" onClick={stopCanary} disabled={busy}>
            Stop canary
          </button>
        )}
      </form>
      {update.isError && <ErrorState title="Could not change the rollout" error={update.error} />}
      {rollback.isError && <ErrorState title="Could not roll back" error={rollback.error} />}
    </section>
  );
}
