// The project every call acts in: sent as X-Skyulf-Project on each API request (and as the
// `project` query parameter on links and event streams, which cannot carry headers). The
// choice is kept in localStorage so a reload stays in the same project; none means the
// caller's default project.

export const PROJECT_HEADER = "X-Skyulf-Project";
const STORAGE_KEY = "skyulf.project";

let current: string | null = read();

function read(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

export function currentProject(): string | null {
  return current;
}

export function setCurrentProject(name: string | null): void {
  current = name;
  try {
    if (name === null) globalThis.localStorage?.removeItem(STORAGE_KEY);
    else globalThis.localStorage?.setItem(STORAGE_KEY, name);
  } catch {
    // Storage may be off (private mode): the choice then lasts until the page is reloaded.
  }
}

/** The header naming the chosen project, if one is chosen. */
export function projectHeaders(): Record<string, string> {
  return current !== null ? { [PROJECT_HEADER]: current } : {};
}

/** `url` with the chosen project as its `project` query parameter (for links, EventSource). */
export function withProject(url: string): string {
  if (current === null) return url;
  const sep = url.includes("?") ? "&" : "?";
  return `${url}${sep}project=${encodeURIComponent(current)}`;
}
