import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { client, unwrap, type Schemas } from "../../api/client";

export type ModelVersion = Schemas["ModelVersionPublic"];

export function useVersions(name: string) {
  return useQuery({
    queryKey: ["models", name, "versions"],
    enabled: name !== "",
    queryFn: () => unwrap(client.GET("/api/v1/models/{name}/versions", { params: { path: { name } } })),
  });
}

export function useVersion(name: string, version: string | null) {
  return useQuery({
    queryKey: ["models", name, "versions", version],
    enabled: version !== null && version !== "",
    queryFn: () =>
      unwrap(client.GET("/api/v1/models/{name}/versions/{version}", { params: { path: { name, version: version ?? "" } } })),
  });
}

/** Deploys a model version, then opens the new deployment. */
export function useDeploy() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { model_name: string; model_version: number; name?: string | null }) =>
      unwrap(client.POST("/api/v1/deployments", { body })),
    onSuccess: (deployment) => {
      void queryClient.invalidateQueries({ queryKey: ["deployments"] });
      navigate(`/deployments/${deployment.id}`);
    },
  });
}

interface GraphNode {
  id: string;
  type: string;
  params?: Record<string, unknown>;
}

/** The model node's parameters in the lineage pipeline (the graph the version was trained from). */
export function modelParams(v: ModelVersion): Record<string, unknown> | null {
  const nodes = (v.lineage.pipeline as { nodes?: GraphNode[] } | null | undefined)?.nodes ?? [];
  const node = nodes.find((n) => n.type === v.model_type) ?? null;
  return node === null ? null : (node.params ?? {});
}

/** Points an alias at a version (PUT), or removes it (DELETE); the versions list is refetched. */
export function useSetAlias(name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ alias, ...body }: { alias: string; version: number; protected: boolean; allow_protected: boolean }) =>
      unwrap(client.PUT("/api/v1/models/{name}/aliases/{alias}", { params: { path: { name, alias } }, body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["models", name] }),
  });
}

export function useRemoveAlias(name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (alias: string) => unwrap(client.DELETE("/api/v1/models/{name}/aliases/{alias}", { params: { path: { name, alias } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["models", name] }),
  });
}
