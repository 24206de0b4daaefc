import { Suspense } from "react";
import { NavLink, Outlet } from "react-router";
import { HealthBadge } from "./HealthBadge";
import { Loading } from "./States";

const SECTIONS = [
  { to: "/canvas", label: "Canvas" },
  { to: "/datasets", label: "Datasets" },
  { to: "/jobs", label: "Jobs" },
  { to: "/models", label: "Models" },
  { to: "/deployments", label: "Deployments" },
] as const;

export function Layout() {
  return (
    <div className="app">
      <header className="app-header">
        <NavLink to="/" className="brand" aria-label="Skyulf home">
          Skyulf
        </NavLink>
        <nav aria-label="Sections" className="app-nav">
          {SECTIONS.map((s) => (
            <NavLink key={s.to} to={s.to} className={({ isActive }) => (isActive ? "nav-link active" : "nav-link")}>
              {s.label}
            </NavLink>
          ))}
        </nav>
        <HealthBadge />
      </header>
      <main className="app-main" id="main">
        <Suspense fallback={<Loading what="page" />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
