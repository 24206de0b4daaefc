// The web app's API client, typed by schema.ts, which openapi-typescript generates from the
// gateway's OpenAPI document (`make client`; a test fails when it is stale). The gateway serves
// this app and the API on one origin, so every URL is relative. Errors arrive as
// {"error": {"code", "message", "details"}} and are thrown as ApiError carrying the server's message.

import createClient from "openapi-fetch";
import { projectHeaders } from "./project";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, status: number, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** Turns any thrown value into text fit to show a person. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

function isEnvelope(body: unknown): body is { error: { code?: string; message: string; details?: unknown } } {
  if (typeof body !== "object" || body === null || !("error" in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string";
}

/** The ApiError for a failed response, from the error envelope when the server sent one. */
export function toApiError(status: number, statusText: string, body: unknown): ApiError {
  if (isEnvelope(body)) {
    const { code, message, details } = body.error;
    const extra = typeof details === "object" && details !== null ? (details as Record<string, unknown>) : {};
    return new ApiError(code ?? "HTTP_ERROR", message, status, extra);
  }
  return new ApiError("HTTP_ERROR", `${status} ${statusText || "request failed"}`, status);
}

// The signed-in session's CSRF token (from /auth/login or /auth/session). The session cookie is
// HttpOnly and SameSite=Strict; every request that changes something also carries this token,
// which another site cannot read.
let csrfToken: string | null = null;

export const CSRF_HEADER = "X-CSRF-Token";

export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? null;
}

/** Headers to add to a request of `method`: the CSRF token on anything but GET/HEAD/OPTIONS. */
export function csrfHeaders(method: string): Record<string, string> {
  const safe = ["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase());
  return !safe && csrfToken !== null ? { [CSRF_HEADER]: csrfToken } : {};
}

/** The fetch every API call goes through: CSRF token and project header added, network failures
 * turned into ApiError. */
export async function guardedFetch(request: Request): Promise<Response> {
  for (const [name, value] of Object.entries(csrfHeaders(request.method))) request.headers.set(name, value);
  for (const [name, value] of Object.entries(projectHeaders())) request.headers.set(name, value);
  try {
    return await globalThis.fetch(request);
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError("UNAVAILABLE", `Could not reach the Skyulf gateway (${errorMessage(err)})`, 0);
  }
}

export const client = createClient<paths>({ baseUrl: "", fetch: guardedFetch });

/** Awaits an openapi-fetch call and returns its data, or throws the server's error as ApiError. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok || data === undefined) {
    throw toApiError(response.status, response.statusText, error);
  }
  return data;
}
