import { useState, type FormEvent } from "react";
import { ErrorState } from "../../components/States";
import { useRemoveAlias, useSetAlias, type ModelVersion } from "./queries";

/** The model's aliases (name → version), a form to point one at a version, and a remove button each. */
export function AliasPanel({ modelName, versions }: { modelName: string; versions: ModelVersion[] }) {
  const [alias, setAlias] = useState("");
  const [version, setVersion] = useState("");
  const [isProtected, setProtected] = useState(false);
  const setMutation = useSetAlias(modelName);
  const remove = useRemoveAlias(modelName);
  const chosen = version !== "" ? version : versions[0] !== undefined ? String(versions[0].version) : "";
  const aliases = versions.flatMap((v) => v.aliases.map((a) => ({ alias: a, version: v.version }))).sort((a, b) => a.alias.localeCompare(b.alias));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const name = alias.trim();
    if (name === "" || chosen === "") return;
    setMutation.mutate(
      { alias: name, version: Number(chosen), protected: isProtected, allow_protected: false },
      { onSuccess: () => setAlias("") },
    );
  };
  return (
    <section className="panel" aria-labelledby="aliases-title">
      <div className="panel-head">
        <h2 id="aliases-title">Aliases</h2>
        <span className="muted">deployments and clients can follow an alias instead of a version number</span>
      </div>
      {aliases.length === 0 ? (
        <p className="muted">No aliases yet.</p>
      ) : (
        <ul className="alias-list" aria-label="Aliases of this model">
          {aliases.map((a) => (
            <li key={a.alias}>
              <span className="tag">{a.alias}</span> → v{a.version}{" "}
              <button
                type="button"
                className="button-secondary"
                onClick={() => remove.mutate(a.alias)}
                disabled={remove.isPending}
                aria-label={`Remove alias ${a.alias}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="form-actions" onSubmit={submit} aria-label="Set alias">
        <label className="inline-field">
          Alias
          <input type="text" value={alias} placeholder="e.g. champion" onChange={(e) => setAlias(e.target.value)} />
        </label>
        <label className="inline-field">
          Version
          <select value={chosen} onChange={(e) => setVersion(e.target.value)} disabled={versions.length === 0}>
            {versions.map((v) => (
              <option key={v.version} value={String(v.version)}>
                v{v.version}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <input type="checkbox" checked={isProtected} onChange={(e) => setProtected(e.target.checked)} />
          Protected
        </label>
        <button type="submit" disabled={alias.trim() === "" || chosen === "" || setMutation.isPending}>
          Set alias
        </button>
      </form>
      {setMutation.isError && <ErrorState title={`Could not set alias ${alias.trim()}`} error={setMutation.error} />}
      {remove.isError && <ErrorState title="Could not remove the alias" error={remove.error} />}
    </section>
  );
}
