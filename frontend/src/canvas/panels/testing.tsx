// Test helpers for the panels: a query client and router around a component, a fake EventSource
// the test drives, and API responses shaped as openapi-fetch returns them.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter } from "react-router";

export function renderWithProviders(ui: ReactElement) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter>{ui}</MemoryRouter>
    </QueryClientProvider>,
  );
}

/** What `client.GET/POST` resolve to: data on 2xx, the error envelope otherwise. */
export function apiResult<T>(data: T, status = 200) {
  const ok = status < 400;
  return Promise.resolve({
    data: ok ? data : undefined,
    error: ok ? undefined : data,
    response: new Response(null, { status: status === 204 ? 200 : status, statusText: ok ? "OK" : "Error" }),
  });
}

type Listener = (e: Event) => void;

export class FakeEventSource {
  static instances: FakeEventSource[] = [];
  readonly url: string;
  closed = false;
  onmessage: ((e: MessageEvent) => void) | null = null;
  private listeners = new Map<string, Listener[]>();

  constructor(url: string) {
    this.url = url;
    FakeEventSource.instances.push(this);
  }

  static latest(): FakeEventSource {
    const last = FakeEventSource.instances.at(-1);
    if (last === undefined) throw new Error("no EventSource was opened");
    return last;
  }

  addEventListener(name: string, listener: Listener) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
  }

  close() {
    this.closed = true;
  }

  /** The server sends a named event with a JSON payload. */
  emit(name: string, data: unknown) {
    if (this.closed) return;
    const event = new MessageEvent(name, { data: JSON.stringify(data) });
    for (const l of this.listeners.get(name) ?? []) l(event);
  }

  /** The connection drops. */
  drop() {
    for (const l of this.listeners.get("error") ?? []) l(new Event("error"));
  }
}
