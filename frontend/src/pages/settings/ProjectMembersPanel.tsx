import { useState } from "react";
import { useAddMember, useProjectMembers, useProjects, useRemoveMember } from "../../api/projects";
import { ErrorState, Loading } from "../../components/States";
import { useUsers } from "./queries";

/** For admins: who may enter each project (admins enter every project without being members). */
export function ProjectMembersPanel() {
  const projects = useProjects();
  const users = useUsers(true);
  const [picked, setPicked] = useState("");
  const project = picked || projects.data?.projects[0]?.name || "";
  const members = useProjectMembers(project);
  const add = useAddMember(project);
  const remove = useRemoveMember(project);
  const [userId, setUserId] = useState("");
  const memberIds = new Set((members.data?.members ?? []).map((m) => m.id));
  const candidates = (users.data?.users ?? []).filter((u) => !memberIds.has(u.id));

  return (
    <section className="panel" aria-labelledby="members-title">
      <h2 id="members-title">Project members</h2>
      <div className="form-actions">
        <label className="inline-field">
          Project
          <select aria-label="Members of project" value={project} onChange={(e) => setPicked(e.target.value)}>
            {(projects.data?.projects ?? []).map((p) => (
              <option key={p.id} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          User
          <select aria-label="User to add" value={userId} onChange={(e) => setUserId(e.target.value)}>
            <option value="">choose a user</option>
            {candidates.map((u) => (
              <option key={u.id} value={u.id}>
                {u.username}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={userId === "" || project === "" || add.isPending}
          onClick={() => add.mutate(userId, { onSuccess: () => setUserId("") })}
        >
          Add member
        </button>
      </div>
      {add.isError && <ErrorState title="Could not add the member" error={add.error} />}
      {members.isPending ? (
        <Loading what="members" />
      ) : members.isError ? (
        <ErrorState error={members.error} />
      ) : members.data.members.length === 0 ? (
        <p className="muted">No members: only admins can enter {project}.</p>
      ) : (
        <ul className="member-list" aria-label={`Members of ${project}`}>
          {members.data.members.map((m) => (
            <li key={m.id}>
              {m.username} <span className="muted">({m.role})</span>{" "}
              <button
                type="button"
                className="button-secondary"
                disabled={remove.isPending}
                onClick={() => remove.mutate(m.id)}
                aria-label={`Remove ${m.username} from ${project}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {remove.isError && <ErrorState title="Could not remove the member" error={remove.error} />}
    </section>
  );
}
