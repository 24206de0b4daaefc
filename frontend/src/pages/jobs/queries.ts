import { useQuery } from "@tanstack/react-query";
import { client, unwrap, type Schemas } from "../../api/client";
import type { JobResult } from "../../api/contracts";

/** A job as the gateway serves it, with the fields the contracts add (results, pipeline). */
export type Job = Schemas["JobPublic"] & {
  results?: JobResult[] | null;
  pipeline_id?: string | null;
  pipeline_version?: number | null;
};

export const ACTIVE = new Set(["QUEUED", "RUNNING"]);

export function useJob(id: string) {
  return useQuery({
    queryKey: ["jobs", id],
    queryFn: async () => (await unwrap(client.GET("/api/v1/jobs/{job_id}", { params: { path: { job_id: id } } }))) as Job,
    refetchInterval: (query) => (query.state.data !== undefined && ACTIVE.has(query.state.data.status) ? 1000 : false),
  });
}

/** Dataset names by id, for lists that show which dataset a job or model used. */
export function useDatasetNames() {
  const list = useQuery({
    queryKey: ["datasets"],
    queryFn: () => unwrap(client.GET("/api/v1/datasets", { params: { query: { limit: 200 } } })),
  });
  return new Map((list.data?.datasets ?? []).map((d) => [d.id, d.name]));
}
