// @vitest-environment jsdom
import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { act, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { currentProject, setCurrentProject } from "./project";
import { useSwitchProject } from "./projects";

afterEach(() => setCurrentProject(null));

function Datasets({ onSwitch }: { onSwitch: (s: (name: string | null) => void) => void }) {
  // A list already on the page: its query is observed while the project changes.
  const list = useQuery({ queryKey: ["datasets"], queryFn: async () => `datasets of ${currentProject() ?? "default"}` });
  onSwitch(useSwitchProject());
  return <p>{list.isPending ? "loading" : list.data}</p>;
}

describe("switching the project", () => {
  it("fetches again the lists already on the page, in the new project", async () => {
    const client = new QueryClient();
    let switchTo: (name: string | null) => void = () => {};
    render(
      <QueryClientProvider client={client}>
        <Datasets onSwitch={(s) => (switchTo = s)} />
      </QueryClientProvider>,
    );
    await screen.findByText("datasets of default");
    act(() => switchTo("team-b"));
    await screen.findByText("datasets of team-b");
    expect(screen.queryByText("datasets of default")).toBeNull();
  });
});
