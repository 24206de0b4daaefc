// The signed-in person: the session query the whole app waits on, signing in and out.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { client, setCsrfToken, unwrap, type Schemas } from "./client";

export type Me = Schemas["Me"];

export const SESSION_KEY = ["session"] as const;

export function useSession() {
  return useQuery({
    queryKey: SESSION_KEY,
    queryFn: async () => {
      const state = await unwrap(client.GET("/api/v1/auth/session"));
      setCsrfToken(state.user?.csrf_token);
      return state.user ?? null;
    },
    staleTime: Infinity,
  });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { username: string; password: string }) => unwrap(client.POST("/api/v1/auth/login", { body })),
    onSuccess: (me) => {
      setCsrfToken(me.csrf_token);
      queryClient.clear();
      queryClient.setQueryData(SESSION_KEY, me);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const { response, error } = await client.POST("/api/v1/auth/logout");
      // An expired session is as signed out as a closed one.
      if (!response.ok && response.status !== 401) throw error;
    },
    onSettled: () => {
      setCsrfToken(null);
      queryClient.clear();
      queryClient.setQueryData(SESSION_KEY, null);
    },
  });
}
