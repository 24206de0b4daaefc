// Loading, empty and error states, one look everywhere. Errors show the server's own message.
import type { ReactNode } from "react";
import { errorMessage } from "../api/client";

export function Loading({ what }: { what: string }) {
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

export function ErrorState({ error, title }: { error: unknown; title?: string }) {
  return (
    <div className="state state-error" role="alert">
      {title !== undefined && <strong>{title}: </strong>}
      {errorMessage(error)}
    </div>
  );
}
