// Undo/redo as a list of whole states. Snapshots are cheap (the graph is small, edits share
// structure), and a snapshot cannot drift from the state the way inverse operations can.

export type History<T> = {
  past: T[];
  present: T;
  future: T[];
  /** The key of the last commit and when it happened: same-key commits close together merge. */
  lastKey: string | null;
  lastAt: number;
};

export const HISTORY_LIMIT = 200;
/** Commits with the same key within this many ms are one step (typing in a field). */
export const MERGE_WINDOW_MS = 1000;

export function createHistory<T>(present: T): History<T> {
  return { past: [], present, future: [], lastKey: null, lastAt: 0 };
}

/**
 * Makes `next` the present. `base` (default: the present) is the state an undo returns to:
 * a drag passes the graph as it was when the drag began. With a `key`, a commit right after
 * another with the same key replaces it instead of adding a step.
 */
export function commit<T>(
  h: History<T>,
  next: T,
  options: { key?: string; now?: number; base?: T } = {},
): History<T> {
  const base = options.base ?? h.present;
  if (next === base) return options.base === undefined ? h : { ...h, present: next };
  const now = options.now ?? Date.now();
  const key = options.key ?? null;
  if (key !== null && key === h.lastKey && now - h.lastAt < MERGE_WINDOW_MS && options.base === undefined) {
    return { ...h, present: next, future: [], lastAt: now };
  }
  const past = [...h.past, base];
  if (past.length > HISTORY_LIMIT) past.splice(0, past.length - HISTORY_LIMIT);
  return { past, present: next, future: [], lastKey: key, lastAt: now };
}

/** Changes the present without a step of its own (a drag in progress). */
export function replace<T>(h: History<T>, next: T): History<T> {
  return next === h.present ? h : { ...h, present: next };
}

export function undo<T>(h: History<T>): History<T> {
  const previous = h.past[h.past.length - 1];
  if (previous === undefined) return h;
  return { past: h.past.slice(0, -1), present: previous, future: [h.present, ...h.future], lastKey: null, lastAt: 0 };
}

export function redo<T>(h: History<T>): History<T> {
  const next = h.future[0];
  if (next === undefined) return h;
  return { past: [...h.past, h.present], present: next, future: h.future.slice(1), lastKey: null, lastAt: 0 };
}

export function canUndo<T>(h: History<T>): boolean {
  return h.past.length > 0;
}

export function canRedo<T>(h: History<T>): boolean {
  return h.future.length > 0;
}
