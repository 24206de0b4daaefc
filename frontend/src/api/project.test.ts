// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { guardedFetch } from "./client";
import { PROJECT_HEADER, currentProject, setCurrentProject, withProject } from "./project";

afterEach(() => {
  setCurrentProject(null);
  vi.unstubAllGlobals();
});

describe("the chosen project", () => {
  it("goes with every API call, and is remembered across reloads", async () => {
    const seen: (string | null)[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (request: Request) => {
        seen.push(request.headers.get(PROJECT_HEADER));
        return new Response(JSON.stringify({ projects: [], default: null }), {
          headers: { "content-type": "application/json" },
        });
      }),
    );
    await guardedFetch(new Request("http://gateway/api/v1/datasets"));
    setCurrentProject("team-a");
    await guardedFetch(new Request("http://gateway/api/v1/datasets"));
    expect(seen).toEqual([null, "team-a"]);
    expect(localStorage.getItem("skyulf.project")).toBe("team-a");
    expect(currentProject()).toBe("team-a");
  });

  it("goes on links and event streams as a query parameter", () => {
    expect(withProject("/api/v1/jobs/j1/events")).toBe("/api/v1/jobs/j1/events");
    setCurrentProject("team a");
    expect(withProject("/api/v1/jobs/j1/events")).toBe("/api/v1/jobs/j1/events?project=team%20a");
    expect(withProject("/x?format=csv")).toBe("/x?format=csv&project=team%20a");
    setCurrentProject(null);
    expect(localStorage.getItem("skyulf.project")).toBeNull();
  });
});
