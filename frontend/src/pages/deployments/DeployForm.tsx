import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router";
import { client, unwrap } from "../../api/client";
import { ErrorState } from "../../components/States";
import { useDeploy, useVersions } from "../models/queries";

/** Pick a registered model and one of its versions, and deploy it (prefilled by ?model=&version=). */
export function DeployForm() {
  const [params] = useSearchParams();
  const [model, setModel] = useState(params.get("model") ?? "");
  const [version, setVersion] = useState(params.get("version") ?? "");
  const [name, setName] = useState("");
  const models = useQuery({
    queryKey: ["models"],
    queryFn: () => unwrap(client.GET("/api/v1/models", { params: { query: { limit: 200 } } })),
  });
  const versions = useVersions(model);
  const deploy = useDeploy();
  const numbers = model === "" ? [] : (versions.data?.versions ?? []).map((v) => v.version).sort((a, b) => b - a);
  const chosen = version !== "" ? version : numbers[0] !== undefined ? String(numbers[0]) : "";
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (model === "" || chosen === "") return;
    deploy.mutate({ model_name: model, model_version: Number(chosen), name: name.trim() || null });
  };
  return (
    <section className="panel" aria-labelledby="deploy-title">
      <div className="panel-head">
        <h2 id="deploy-title">Deploy a model version</h2>
      </div>
      {models.isError && <ErrorState title="Could not list the models" error={models.error} />}
      <form className="form-actions" onSubmit={submit}>
        <label className="inline-field">
          Model
          <select
            value={model}
            onChange={(e) => {
              setModel(e.target.value);
              setVersion("");
            }}
          >
            <option value="">{models.isPending ? "loading…" : "choose a model…"}</option>
            {(models.data?.models ?? []).map((m) => (
              <option key={m.name} value={m.name}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          Version
          <select value={chosen} onChange={(e) => setVersion(e.target.value)} disabled={numbers.length === 0}>
            {numbers.length === 0 && <option value="">—</option>}
            {numbers.map((n) => (
              <option key={n} value={String(n)}>
                v{n}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          Endpoint name
          <input type="text" value={name} placeholder="optional" onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit" disabled={model === "" || chosen === "" || deploy.isPending}>
          Deploy
        </button>
      </form>
      {models.data !== undefined && models.data.models.length === 0 && <p className="muted">No registered models yet: train one first.</p>}
      {versions.isError && model !== "" && <ErrorState title={`Could not list the versions of ${model}`} error={versions.error} />}
      {deploy.isError && <ErrorState title="Could not deploy" error={deploy.error} />}
    </section>
  );
}
