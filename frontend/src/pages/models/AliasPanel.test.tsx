// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ModelVersion } from "./queries";

const calls: { method: string; path: string; body?: unknown }[] = [];

vi.mock("../../api/client", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../api/client")>();
  return {
    ...actual,
    client: {
      PUT: (path: string, init: { body: unknown }) => {
        calls.push({ method: "PUT", path, body: init.body });
        const error = { error: { code: "CONFLICT", message: "alias champion of churn is protected: pass allow_protected to move it" } };
        return Promise.resolve({ error, response: new Response(null, { status: 409 }) });
      },
      DELETE: (path: string) => {
        calls.push({ method: "DELETE", path });
        return Promise.resolve({ data: {}, response: new Response(null, { status: 200 }) });
      },
    },
  };
});

const { AliasPanel } = await import("./AliasPanel");

afterEach(() => {
  cleanup();
  calls.length = 0;
});

const version = (v: number, aliases: string[]) => ({ name: "churn", version: v, aliases, runtime: "onnxruntime" }) as unknown as ModelVersion;

function renderPanel() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={queryClient}>
      <AliasPanel modelName="churn" versions={[version(2, []), version(1, ["champion"])]} />
    </QueryClientProvider>,
  );
}

describe("AliasPanel", () => {
  it("lists the aliases and shows the server's message when setting one is refused", async () => {
    renderPanel();
    expect(screen.getByRole("list", { name: "Aliases of this model" }).textContent).toContain("champion → v1");
    fireEvent.change(screen.getByRole("textbox", { name: /^Alias/ }), { target: { value: "champion" } });
    fireEvent.change(screen.getByRole("combobox", { name: /^Version/ }), { target: { value: "2" } });
    fireEvent.click(screen.getByRole("button", { name: "Set alias" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("is protected: pass allow_protected");
    expect(calls[0]).toEqual({
      method: "PUT",
      path: "/api/v1/models/{name}/aliases/{alias}",
      body: { version: 2, protected: false, allow_protected: false },
    });
  });

  it("removes an alias", async () => {
    renderPanel();
    fireEvent.click(screen.getByRole("button", { name: "Remove alias champion" }));
    await waitFor(() => expect(calls).toContainEqual({ method: "DELETE", path: "/api/v1/models/{name}/aliases/{alias}" }));
  });
});
