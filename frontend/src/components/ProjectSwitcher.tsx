import { useEffect, useState, type FormEvent } from "react";
import { currentProject } from "../api/project";
import { useCreateProject, useProjects, useSwitchProject } from "../api/projects";
import { errorMessage } from "../api/client";

/** The project the app works in: every list and page shows that project's resources only.
 * Admins can start a new project here. */
export function ProjectSwitcher({ canCreate }: { canCreate: boolean }) {
  const projects = useProjects();
  const switchTo = useSwitchProject();
  const create = useCreateProject();
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const list = projects.data?.projects ?? [];
  const chosen = currentProject();
  const shown = chosen ?? projects.data?.default ?? "";

  // A remembered project this person may no longer enter (removed, or another person signed
  // in): fall back to their default.
  // (Only on a settled answer: one fetched before a project was created does not list it yet.)
  const settled = projects.data !== undefined && !projects.isFetching;
  useEffect(() => {
    if (settled && chosen !== null && !list.some((p) => p.name === chosen)) switchTo(null);
  }, [settled, list, chosen, switchTo]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const wanted = name.trim();
    create.mutate(wanted, {
      onSuccess: (project) => {
        setName("");
        setCreating(false);
        switchTo(project.name);
      },
    });
  }

  if (projects.isError) return <span className="muted">projects unavailable</span>;
  return (
    <div className="project-switcher">
      <label className="inline-field">
        Project
        <select
          aria-label="Project"
          value={shown}
          disabled={projects.isPending}
          onChange={(e) => switchTo(e.target.value)}
        >
          {list.map((p) => (
            <option key={p.id} value={p.name}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      {canCreate &&
        (creating ? (
          <form onSubmit={submit} aria-label="New project" className="project-new">
            <input
              aria-label="New project name"
              value={name}
              autoFocus
              placeholder="team-name"
              onChange={(e) => setName(e.target.value)}
            />
            <button type="submit" disabled={name.trim() === "" || create.isPending}>
              Create
            </button>
            <button type="button" className="button-secondary" onClick={() => setCreating(false)}>
              Cancel
            </button>
            {create.isError && (
              <span role="alert" className="error">
                {errorMessage(create.error)}
              </span>
            )}
          </form>
        ) : (
          <button type="button" className="button-secondary" onClick={() => setCreating(true)}>
            New project
          </button>
        ))}
    </div>
  );
}
