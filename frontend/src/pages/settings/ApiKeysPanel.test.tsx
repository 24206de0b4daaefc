// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

const calls: { method: string; path: string; body?: unknown }[] = [];
const listed = {
  keys: [
    { id: "k1", name: "old", prefix: "sky_abcdefgh", scopes: ["read"], username: "admin", project: "default", created_at: "2026-01-01T00:00:00Z", last_used_at: null, revoked_at: null },
  ],
};

vi.mock("../../api/client", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../api/client")>();
  const ok = (data: unknown) => Promise.resolve({ data, response: new Response(null, { status: 200 }) });
  return {
    ...actual,
    client: {
      GET: (path: string) => {
        calls.push({ method: "GET", path });
        return ok(listed);
      },
      POST: (path: string, init: { body: { name: string; scopes: string[] } }) => {
        calls.push({ method: "POST", path, body: init.body });
        return ok({ ...listed.keys[0], id: "k2", name: init.body.name, scopes: init.body.scopes, key: "sky_SECRET-shown-once" });
      },
      DELETE: (path: string, init: { params: { path: { key_id: string } } }) => {
        calls.push({ method: "DELETE", path: `${path}:${init.params.path.key_id}` });
        return ok({ ...listed.keys[0], revoked_at: "2026-01-02T00:00:00Z" });
      },
    },
  };
});

const { ApiKeysPanel } = await import("./ApiKeysPanel");
const { csrfHeaders, setCsrfToken } = await import("../../api/client");

afterEach(() => {
  cleanup();
  calls.length = 0;
});

function renderPanel(allowed = ["read", "write", "predict"]) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={queryClient}>
      <ApiKeysPanel allowed={allowed} />
    </QueryClientProvider>,
  );
}

describe("ApiKeysPanel", () => {
  it("shows a new key once, then only its prefix", async () => {
    renderPanel();
    await screen.findByText("sky_abcdefgh…");
    fireEvent.change(screen.getByPlaceholderText("e.g. churn scorer"), { target: { value: "scorer" } });
    fireEvent.click(screen.getByRole("button", { name: "Create key" }));
    expect((await screen.findByTestId("new-api-key")).textContent).toBe("sky_SECRET-shown-once");
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({ name: "scorer", scopes: ["read", "predict"] });
    fireEvent.click(screen.getByRole("button", { name: "Done" }));
    await waitFor(() => expect(screen.queryByText("sky_SECRET-shown-once")).toBeNull());
  });

  it("offers only the scopes the person holds", async () => {
    renderPanel(["read", "predict"]);
    await screen.findByText("sky_abcdefgh…");
    expect(screen.queryByRole("checkbox", { name: "write" })).toBeNull();
    expect(screen.queryByRole("checkbox", { name: "admin" })).toBeNull();
    expect(screen.getByRole("checkbox", { name: "predict" })).toBeTruthy();
  });

  it("revokes a key", async () => {
    renderPanel();
    fireEvent.click(await screen.findByRole("button", { name: "Revoke old" }));
    await waitFor(() => expect(calls.some((c) => c.method === "DELETE" && c.path.endsWith(":k1"))).toBe(true));
  });
});

describe("csrfHeaders", () => {
  it("adds the session's token to changes only", () => {
    setCsrfToken("tok");
    expect(csrfHeaders("POST")).toEqual({ "X-CSRF-Token": "tok" });
    expect(csrfHeaders("delete")).toEqual({ "X-CSRF-Token": "tok" });
    expect(csrfHeaders("GET")).toEqual({});
    setCsrfToken(null);
    expect(csrfHeaders("POST")).toEqual({});
  });
});
