import { useCallback, useEffect, useState } from "react";
import { errorMessage, serviceRows, type Health, type SkyulfApi } from "../api";

const REFRESH_MS = 15_000;

export function ServicesPanel({ client }: { client: SkyulfApi }) {
  const [health, setHealth] = useState<Health | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  const check = useCallback(
    async (signal?: AbortSignal) => {
      setChecking(true);
      try {
        setHealth(await client.getHealth(signal));
        setError(null);
      } catch (err) {
        if (signal?.aborted) return;
        setError(errorMessage(err));
      } finally {
        if (!signal?.aborted) setChecking(false);
      }
    },
    [client],
  );

  useEffect(() => {
    const controller = new AbortController();
    void check(controller.signal);
    const timer = setInterval(() => void check(controller.signal), REFRESH_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [check]);

  const overall = error !== null ? "unreachable" : (health?.status ?? "checking");

  return (
    <section className="panel" aria-labelledby="services-title">
      <div className="panel-head">
        <h2 id="services-title">Services</h2>
        <span className={`badge badge-${overall}`} data-testid="platform-status">
          {overall}
        </span>
        <button type="button" onClick={() => void check()} disabled={checking}>
          {checking ? "Checking…" : "Refresh"}
        </button>
      </div>
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <ul className="services">
        {serviceRows(health).map(([name, state]) => (
          <li key={name}>
            <span className="service-name">{name}</span>
            <span className={`badge badge-${state.toLowerCase()}`}>{state}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
