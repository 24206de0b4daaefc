import { useState, type FormEvent } from "react";
import { ErrorState, Loading } from "../../components/States";
import { formatDate } from "../../lib/format";
import { useApiKeys, useCreateApiKey, useRevokeApiKey, type ApiKeyCreate, type ApiKeyCreated } from "./queries";

type Scope = ApiKeyCreate["scopes"] extends (infer S)[] | undefined ? S : never;

const SCOPES: { scope: Scope; label: string }[] = [
  { scope: "read", label: "read" },
  { scope: "write", label: "write" },
  { scope: "predict", label: "predict" },
  { scope: "admin", label: "admin" },
];

/** The caller's API keys (everyone's for an admin): create one (its value is shown this once), revoke. */
export function ApiKeysPanel({ allowed }: { allowed: string[] }) {
  const keys = useApiKeys();
  const create = useCreateApiKey();
  const revoke = useRevokeApiKey();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["read", "predict"]);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { name: name.trim(), scopes },
      {
        onSuccess: (key) => {
          setCreated(key);
          setName("");
        },
      },
    );
  }

  function toggle(scope: Scope, on: boolean) {
    setScopes((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));
  }

  return (
    <section className="panel" aria-labelledby="api-keys-title">
      <h2 id="api-keys-title">API keys</h2>
      <p className="muted">
        Programs and prediction clients send a key as <code>Authorization: Bearer &lt;key&gt;</code>. A key can do what both its
        scopes and its owner's role allow. A new key acts in the project chosen above, and only there.
      </p>
      <form className="form-actions" onSubmit={submit} aria-label="Create API key">
        <label className="inline-field">
          Name
          <input value={name} placeholder="e.g. churn scorer" onChange={(e) => setName(e.target.value)} />
        </label>
        <fieldset className="inline-field scopes">
          <legend>Scopes</legend>
          {SCOPES.filter((s) => allowed.includes(s.scope)).map((s) => (
            <label key={s.scope}>
              <input type="checkbox" checked={scopes.includes(s.scope)} onChange={(e) => toggle(s.scope, e.target.checked)} />
              {s.label}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={name.trim() === "" || scopes.length === 0 || create.isPending}>
          Create key
        </button>
      </form>
      {create.isError && <ErrorState title="Could not create the key" error={create.error} />}
      {created && (
        <div className="new-key" role="status">
          <p>
            <strong>Copy the key {created.name} now:</strong> it is not shown again.
          </p>
          <code data-testid="new-api-key">{created.key}</code>
          <button type="button" className="button-secondary" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      {keys.isPending ? (
        <Loading what="API keys" />
      ) : keys.isError ? (
        <ErrorState error={keys.error} />
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <caption className="visually-hidden">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Owner</th>
                <th scope="col">Project</th>
                <th scope="col">Scopes</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{k.username}</td>
                  <td>{k.project}</td>
                  <td>{k.scopes.join(", ")}</td>
                  <td>{k.last_used_at ? formatDate(k.last_used_at) : "never"}</td>
                  <td>
                    {k.revoked_at ? (
                      <span className="muted">revoked</span>
                    ) : (
                      <button
                        type="button"
                        className="button-secondary"
                        onClick={() => revoke.mutate(k.id)}
                        disabled={revoke.isPending}
                        aria-label={`Revoke ${k.name}`}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {revoke.isError && <ErrorState title="Could not revoke the key" error={revoke.error} />}
    </section>
  );
}
