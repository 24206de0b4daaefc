import { useState } from "react";
import { ErrorState } from "../../components/States";
import { useUndeploy } from "./queries";

/** Undeploy with an inline confirmation (no browser dialog). */
export function UndeployButton({ id, name, onDone }: { id: string; name: string; onDone?: () => void }) {
  const [asking, setAsking] = useState(false);
  const undeploy = useUndeploy(onDone);
  if (!asking) {
    return (
      <button type="button" className="button-secondary" onClick={() => setAsking(true)} aria-label={`Undeploy ${name}`}>
        Undeploy
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={`Confirm undeploying ${name}`}>
      <span>Undeploy {name}?</span>
      <button type="button" className="danger" onClick={() => undeploy.mutate(id)} disabled={undeploy.isPending}>
        Yes, undeploy
      </button>
      <button type="button" className="button-secondary" onClick={() => setAsking(false)}>
        Keep it
      </button>
      {undeploy.isError && <ErrorState title={`Could not undeploy ${name}`} error={undeploy.error} />}
    </span>
  );
}
