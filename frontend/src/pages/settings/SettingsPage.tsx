import { useSession } from "../../api/session";
import { ApiKeysPanel } from "./ApiKeysPanel";
import { ProjectMembersPanel } from "./ProjectMembersPanel";
import { UsersPanel } from "./UsersPanel";

export default function SettingsPage() {
  const me = useSession().data;
  if (!me) return null;
  return (
    <div className="page">
      <h1>Settings</h1>
      <p className="muted">
        Signed in as <strong>{me.username}</strong>, {me.role}.
      </p>
      <ApiKeysPanel allowed={me.permissions} />
      {me.permissions.includes("admin") && <UsersPanel myId={me.id} />}
      {me.permissions.includes("admin") && <ProjectMembersPanel />}
    </div>
  );
}
