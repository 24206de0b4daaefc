import { useState, type FormEvent } from "react";
import { ErrorState, Loading } from "../../components/States";
import { useCreateUser, useUpdateUser, useUsers, type User } from "./queries";

const ROLES: User["role"][] = ["viewer", "editor", "admin"];

/** For admins: every user, with their role; create one, change a role, disable or enable. */
export function UsersPanel({ myId }: { myId: string }) {
  const users = useUsers(true);
  const create = useCreateUser();
  const update = useUpdateUser();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<User["role"]>("viewer");

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { username: username.trim(), password, role },
      {
        onSuccess: () => {
          setUsername("");
          setPassword("");
        },
      },
    );
  }

  return (
    <section className="panel" aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <form className="form-actions" onSubmit={submit} aria-label="Create user">
        <label className="inline-field">
          Username
          <input value={username} autoComplete="off" onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className="inline-field">
          Password
          <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <label className="inline-field">
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as User["role"])}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={username.trim() === "" || password === "" || create.isPending}>
          Create user
        </button>
      </form>
      {create.isError && <ErrorState title="Could not create the user" error={create.error} />}
      {users.isPending ? (
        <Loading what="users" />
      ) : users.isError ? (
        <ErrorState error={users.error} />
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <caption className="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Role</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {users.data.users.map((u) => (
                <tr key={u.id}>
                  <td>{u.username}</td>
                  <td>
                    <select
                      aria-label={`Role of ${u.username}`}
                      value={u.role}
                      disabled={u.id === myId || update.isPending}
                      onChange={(e) => update.mutate({ id: u.id, body: { role: e.target.value as User["role"] } })}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    {u.id === myId ? (
                      <span className="muted">you</span>
                    ) : (
                      <button
                        type="button"
                        className="button-secondary"
                        disabled={update.isPending}
                        onClick={() => update.mutate({ id: u.id, body: { disabled: !u.disabled } })}
                        aria-label={`${u.disabled ? "Enable" : "Disable"} ${u.username}`}
                      >
                        {u.disabled ? "Enable" : "Disable"}
                      </button>
                    )}
                    {u.disabled && <span className="muted"> disabled</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {update.isError && <ErrorState title="Could not change the user" error={update.error} />}
    </section>
  );
}
