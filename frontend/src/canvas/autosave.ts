// A debounced saver: each change restarts the wait; when the edits pause, the latest value is
// saved. One save runs at a time; a change made while one runs is saved right after it, so the
// server always ends with the newest state (and a new pipeline is created exactly once).

export type SaveState = "idle" | "pending" | "saving" | "saved" | "error";

export class Autosaver<T> {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private queued: { value: T } | null = null;
  private running: Promise<void> | null = null;
  state: SaveState = "idle";
  error: unknown = null;

  constructor(
    private readonly save: (value: T) => Promise<void>,
    private readonly delayMs: number,
    private readonly onState: (state: SaveState, error: unknown) => void = () => {},
  ) {}

  /** A change: save `value` once no other change comes for `delayMs`. */
  schedule(value: T): void {
    this.queued = { value };
    if (this.timer !== null) clearTimeout(this.timer);
    this.set("pending");
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.delayMs);
  }

  /** Saves the pending change now (Ctrl+S, leaving the page); resolves when it is stored. */
  async flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.running !== null) await this.running;
    const next = this.queued;
    if (next === null) return;
    this.queued = null;
    this.set("saving");
    this.running = this.save(next.value).then(
      () => this.set(this.queued === null ? "saved" : "pending"),
      (err: unknown) => {
        this.error = err;
        this.set("error", err);
      },
    );
    try {
      await this.running;
    } finally {
      this.running = null;
    }
    if (this.queued !== null && this.timer === null) await this.flush();
  }

  /** Forgets the pending change (a pipeline was opened or restored instead). */
  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.queued = null;
    if (this.running === null) this.set("idle");
  }

  get hasPending(): boolean {
    return this.queued !== null;
  }

  private set(state: SaveState, error: unknown = null): void {
    this.state = state;
    if (state !== "error") this.error = null;
    this.onState(state, error);
  }
}
