// Projects: the caller's list, switching between them, and (admins) new projects and members.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { client, unwrap, type Schemas } from "./client";
import { setCurrentProject } from "./project";
import { SESSION_KEY } from "./session";

export type Project = Schemas["ProjectPublic"];

export const PROJECTS_KEY = ["projects"] as const;

export function useProjects(enabled = true) {
  return useQuery({ queryKey: PROJECTS_KEY, queryFn: () => unwrap(client.GET("/api/v1/projects")), enabled });
}

/** Switches every later call to project `name` and drops every answer of the previous one. */
export function useSwitchProject() {
  const queryClient = useQueryClient();
  return (name: string | null) => {
    setCurrentProject(name);
    const keep = new Set<unknown>([SESSION_KEY[0], PROJECTS_KEY[0]]);
    // Reset, not just remove: a page already showing a list (its query observed) must fetch it
    // again in the new project, and show nothing of the old one meanwhile.
    void queryClient.resetQueries({ predicate: (q) => !keep.has(q.queryKey[0]) });
    void queryClient.invalidateQueries({ queryKey: PROJECTS_KEY });
  };
}

export function useCreateProject() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => unwrap(client.POST("/api/v1/projects", { body: { name } })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: PROJECTS_KEY }),
  });
}

function membersKey(project: string) {
  return ["project-members", project] as const;
}

export function useProjectMembers(project: string) {
  return useQuery({
    queryKey: membersKey(project),
    queryFn: () => unwrap(client.GET("/api/v1/projects/{name}/members", { params: { path: { name: project } } })),
    enabled: project !== "",
  });
}

export function useAddMember(project: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      unwrap(
        client.POST("/api/v1/projects/{name}/members", { params: { path: { name: project } }, body: { user_id: userId } }),
      ),
    onSuccess: (members) => queryClient.setQueryData(membersKey(project), members),
  });
}

export function useRemoveMember(project: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      unwrap(
        client.DELETE("/api/v1/projects/{name}/members/{user_id}", {
          params: { path: { name: project, user_id: userId } },
        }),
      ),
    onSuccess: (members) => queryClient.setQueryData(membersKey(project), members),
  });
}
