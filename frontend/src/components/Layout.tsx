import { Suspense } from "react";
import { NavLink, Outlet } from "react-router";
import { useLogout, useSession } from "../api/session";
import { LoginPage } from "../pages/auth/LoginPage";
import { HealthBadge } from "./HealthBadge";
import { ProjectSwitcher } from "./ProjectSwitcher";
import { ErrorState, Loading } from "./States";

const SECTIONS = [
  { to: "/canvas", label: "Canvas" },
  { to: "/datasets", label: "Datasets" },
  { to: "/jobs", label: "Jobs" },
  { to: "/models", label: "Models" },
  { to: "/deployments", label: "Deployments" },
] as const;

export function Layout() {
  const session = useSession();
  const logout = useLogout();
  const me = session.data;
  return (
    <div className="app">
      <header className="app-header">
        <NavLink to="/" className="brand" aria-label="Skyulf home">
          Skyulf
        </NavLink>
        {me && (
          <nav aria-label="Sections" className="app-nav">
            {SECTIONS.map((s) => (
              <NavLink key={s.to} to={s.to} className={({ isActive }) => (isActive ? "nav-link active" : "nav-link")}>
                {s.label}
              </NavLink>
            ))}
          </nav>
        )}
        {me && <ProjectSwitcher canCreate={me.permissions.includes("admin")} />}
        <HealthBadge />
        {me && (
          <div className="account" aria-label="Account">
            <NavLink to="/settings" className={({ isActive }) => (isActive ? "nav-link active" : "nav-link")}>
              Settings
            </NavLink>
            <span className="muted" data-testid="signed-in-as">
              {me.username} ({me.role})
            </span>
            <button type="button" className="button-secondary" onClick={() => logout.mutate()} disabled={logout.isPending}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <main className="app-main" id="main">
        {session.isPending ? (
          <Loading what="session" />
        ) : session.isError ? (
          <ErrorState title="Could not reach the gateway" error={session.error} />
        ) : me ? (
          <Suspense fallback={<Loading what="page" />}>
            <Outlet />
          </Suspense>
        ) : (
          <LoginPage />
        )}
      </main>
    </div>
  );
}
