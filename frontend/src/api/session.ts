// The signed-in person: the session query the whole app waits on, signing in and out.
import { type QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { client, setCsrfToken, unwrap, type Schemas } from "./client";
import { setCurrentProject } from "./project";

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

/** Drops every cached answer but the session's (whose observers must stay attached): the next
 * person signed in must not see the last one's data. */
function forgetAllBut(queryClient: QueryClient) {
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { username: string; password: string }) => unwrap(client.POST("/api/v1/auth/login", { body })),
    onSuccess: (me) => {
      setCsrfToken(me.csrf_token);
      forgetAllBut(queryClient);
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
      setCurrentProject(null);
      forgetAllBut(queryClient);
      queryClient.setQueryData(SESSION_KEY, null);
    },
  });
}
