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
    mutationFn: (body: DeploymentUpdate) =>
      unwrap(client.PATCH("/api/v1/deployments/{deployment_id}", { params: { path: { deployment_id: id } }, body })),
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
