import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { client, unwrap } from "../../api/client";

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
