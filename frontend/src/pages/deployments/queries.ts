import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { client, unwrap, type Schemas } from "../../api/client";

export function useDeployments() {
  return useQuery({
    queryKey: ["deployments"],
    queryFn: () => unwrap(client.GET("/api/v1/deployments")),
  });
}

export function useDeployment(id: string) {
  return useQuery({
    queryKey: ["deployments", id],
    queryFn: () => unwrap(client.GET("/api/v1/deployments/{deployment_id}", { params: { path: { deployment_id: id } } })),
  });
}

export function useUndeploy(onDone?: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(client.DELETE("/api/v1/deployments/{deployment_id}", { params: { path: { deployment_id: id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["deployments"] });
      onDone?.();
    },
  });
}

export type DeploymentUpdate = Schemas["DeploymentUpdate"];

/** Moves the endpoint (to a version or an alias) and/or sets its canary. */
export function useUpdateDeployment(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<DeploymentUpdate>) =>
      unwrap(
        client.PATCH("/api/v1/deployments/{deployment_id}", {
          params: { path: { deployment_id: id } },
          body: { canary_percent: 0, settings_only: false, ...body },
        }),
      ),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ["deployments"] }),
  });
}

/** Puts the endpoint back on the version it served before its last move. */
export function useRollback(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(client.POST("/api/v1/deployments/{deployment_id}/rollback", { params: { path: { deployment_id: id } } })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ["deployments"] }),
  });
}

const POLL_MS = 1500;
const settled = (status: string) => status === "SUCCEEDED" || status === "FAILED";

/** Requests, errors, rows and latency per version of the endpoint (a canary side by side). */
export function useDeploymentStats(id: string) {
  return useQuery({
    queryKey: ["deployments", id, "stats"],
    queryFn: () => unwrap(client.GET("/api/v1/deployments/{deployment_id}/stats", { params: { path: { deployment_id: id } } })),
    refetchInterval: 5000,
  });
}

export type BatchJob = Schemas["BatchJobPublic"];

/** The endpoint's batch scoring jobs, polled while one is queued or running. */
export function useBatchJobs(deploymentId: string) {
  return useQuery({
    queryKey: ["batch-jobs", deploymentId],
    queryFn: () => unwrap(client.GET("/api/v1/batch-jobs", { params: { query: { deployment_id: deploymentId, limit: 20 } } })),
    refetchInterval: (query) => (query.state.data?.jobs.some((j) => !settled(j.status)) ? POLL_MS : false),
  });
}

export function useCreateBatchJob(deploymentId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["BatchJobCreate"]) => unwrap(client.POST("/api/v1/batch-jobs", { body })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ["batch-jobs", deploymentId] }),
  });
}

export type DriftReport = Schemas["DriftReportPublic"];

/** The endpoint's drift reports (newest first), polled while one is being computed. */
export function useDriftReports(deploymentId: string) {
  return useQuery({
    queryKey: ["deployments", deploymentId, "drift"],
    queryFn: () => unwrap(client.GET("/api/v1/deployments/{deployment_id}/drift", { params: { path: { deployment_id: deploymentId }, query: { limit: 20 } } })),
    refetchInterval: (query) => (query.state.data?.reports.some((r) => !settled(r.status)) ? POLL_MS : false),
  });
}

export function useCreateDriftReport(deploymentId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["DriftReportCreate"]) =>
      unwrap(client.POST("/api/v1/deployments/{deployment_id}/drift", { params: { path: { deployment_id: deploymentId } }, body })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ["deployments", deploymentId, "drift"] }),
  });
}
