import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { client, unwrap, type Schemas } from "../../api/client";

export type ApiKey = Schemas["ApiKeyPublic"];
export type ApiKeyCreated = Schemas["ApiKeyCreated"];
export type ApiKeyCreate = Schemas["ApiKeyCreate"];
export type User = Schemas["UserPublic"];
export type UserCreate = Schemas["UserCreate"];
export type UserUpdate = Schemas["UserUpdate"];

export function useApiKeys() {
  return useQuery({ queryKey: ["api-keys"], queryFn: () => unwrap(client.GET("/api/v1/api-keys")) });
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ApiKeyCreate) => unwrap(client.POST("/api/v1/api-keys", { body })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ["api-keys"] }),
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(client.DELETE("/api/v1/api-keys/{key_id}", { params: { path: { key_id: id } } })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ["api-keys"] }),
  });
}

export function useUsers(enabled: boolean) {
  return useQuery({ queryKey: ["users"], queryFn: () => unwrap(client.GET("/api/v1/users")), enabled });
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UserCreate) => unwrap(client.POST("/api/v1/users", { body })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ["users"] }),
  });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UserUpdate }) =>
      unwrap(client.PATCH("/api/v1/users/{user_id}", { params: { path: { user_id: id } }, body })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ["users"] }),
  });
}
