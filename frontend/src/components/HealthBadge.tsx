import { useQuery } from "@tanstack/react-query";
import { client } from "../api/client";

const REFRESH_MS = 15_000;

/** The platform's health in the header: "ok", "degraded" (naming the services down) or "unreachable". */
export function HealthBadge() {
  const health = useQuery({
    queryKey: ["health"],
    // /healthz answers 503 with the same body when degraded: that is still a report.
    queryFn: async () => (await client.GET("/healthz")).data ?? null,
    refetchInterval: REFRESH_MS,
  });
  const body = health.data as { status?: string; services?: Record<string, string> } | null | undefined;
  const status = health.isError ? "unreachable" : (body?.status ?? (health.isPending ? "checking" : "unreachable"));
  const down = Object.entries(body?.services ?? {})
    .filter(([, s]) => s !== "SERVING")
    .map(([name, s]) => `${name}: ${s}`);
  return (
    <span
      className={`badge badge-${status}`}
      data-testid="platform-status"
      title={down.length > 0 ? down.join(", ") : "every service is serving"}
    >
      platform {status}
    </span>
  );
}
