// Follows a job's server-sent events (GET /api/v1/jobs/{id}/events) into a JobProgress. The stream
// is closed on the job's terminal event (the server ends it there; an open EventSource would
// reconnect). When the connection drops before that, it is reopened with `after=<last seq>` so
// nothing is replayed twice, with a growing delay and a bounded number of tries.
import { useEffect, useReducer, useState } from "react";
import { withProject } from "../../api/project";
import {
  initialJobProgress,
  isTerminalEvent,
  JOB_EVENT_TYPES,
  jobProgressReducer,
  parseJobEvent,
  type JobEvent,
  type JobProgress,
} from "./jobProgress";

type Action = { kind: "reset" } | { kind: "event"; event: JobEvent };

function reduce(state: JobProgress, action: Action): JobProgress {
  return action.kind === "reset" ? initialJobProgress : jobProgressReducer(state, action.event);
}

const MAX_RETRIES = 6;

export interface JobEvents {
  progress: JobProgress;
  /** Set when the stream could not be followed (the server's message, or a lost connection). */
  streamError: string | null;
}

export function jobEventsUrl(jobId: string, after: number): string {
  const base = `/api/v1/jobs/${encodeURIComponent(jobId)}/events`;
  return withProject(after > 0 ? `${base}?after=${after}` : base);
}

function serverError(data: string): string {
  try {
    const body = JSON.parse(data) as { error?: { message?: unknown }; message?: unknown };
    const message = body.error?.message ?? body.message;
    if (typeof message === "string") return message;
  } catch {
    // not JSON: show it as it came
  }
  return data;
}

export function useJobEvents(jobId: string | null): JobEvents {
  const [progress, dispatch] = useReducer(reduce, initialJobProgress);
  const [streamError, setStreamError] = useState<string | null>(null);

  useEffect(() => {
    dispatch({ kind: "reset" });
    setStreamError(null);
    if (jobId === null) return;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let retries = 0;
    let lastSeq = 0;

    const stop = () => {
      stopped = true;
      source?.close();
      clearTimeout(timer);
    };

    const open = () => {
      const es = new EventSource(jobEventsUrl(jobId, lastSeq));
      source = es;
      const onEvent = (e: MessageEvent<string>) => {
        const event = parseJobEvent(e.data);
        if (event === null) return;
        retries = 0;
        lastSeq = Math.max(lastSeq, event.seq);
        dispatch({ kind: "event", event });
        if (isTerminalEvent(event)) stop();
      };
      for (const name of JOB_EVENT_TYPES) es.addEventListener(name, onEvent);
      es.onmessage = onEvent;
      es.addEventListener("error", (e: Event) => {
        // A named "error" event carries the server's error envelope; a bare Event is a lost connection.
        if (e instanceof MessageEvent && typeof e.data === "string" && e.data !== "") {
          setStreamError(serverError(e.data));
          stop();
          return;
        }
        es.close();
        if (stopped) return;
        retries += 1;
        if (retries > MAX_RETRIES) {
          setStreamError("Lost the connection to the job's event stream; reload to follow it again.");
          return;
        }
        timer = setTimeout(open, Math.min(500 * 2 ** (retries - 1), 8000));
      });
    };

    open();
    return stop;
  }, [jobId]);

  return { progress, streamError };
}
