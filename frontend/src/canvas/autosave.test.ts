import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Autosaver, type SaveState } from "./autosave";

describe("Autosaver", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("saves once, the latest value, after the edits pause", async () => {
    const saved: string[] = [];
    const states: SaveState[] = [];
    const a = new Autosaver<string>(async (v) => void saved.push(v), 1000, (s) => states.push(s));
    a.schedule("a");
    await vi.advanceTimersByTimeAsync(600);
    a.schedule("ab");
    await vi.advanceTimersByTimeAsync(600);
    a.schedule("abc");
    await vi.advanceTimersByTimeAsync(999);
    expect(saved).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(saved).toEqual(["abc"]);
    expect(states.at(-1)).toBe("saved");
    await vi.advanceTimersByTimeAsync(5000);
    expect(saved).toEqual(["abc"]);
  });

  it("flush saves at once and cancels the timer", async () => {
    const save = vi.fn(async () => {});
    const a = new Autosaver<number>(save, 1000);
    a.schedule(1);
    await a.flush();
    expect(save).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(save).toHaveBeenCalledTimes(1);
    await a.flush();
    expect(save).toHaveBeenCalledTimes(1);
  });

  it("runs one save at a time and saves a change made meanwhile right after", async () => {
    const calls: number[] = [];
    let release: () => void = () => {};
    const a = new Autosaver<number>(
      (v) => {
        calls.push(v);
        return new Promise<void>((resolve) => (release = resolve));
      },
      100,
    );
    a.schedule(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toEqual([1]);
    a.schedule(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toEqual([1]); // still waiting for the first save
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([1, 2]);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(a.state).toBe("saved");
  });

  it("reports a failed save and keeps going with the next change", async () => {
    let fail = true;
    const states: SaveState[] = [];
    const a = new Autosaver<number>(async () => {
      if (fail) throw new Error("gateway down");
    }, 10, (s) => states.push(s));
    a.schedule(1);
    await vi.advanceTimersByTimeAsync(10);
    expect(a.state).toBe("error");
    expect(String(a.error)).toContain("gateway down");
    fail = false;
    a.schedule(2);
    await vi.advanceTimersByTimeAsync(10);
    expect(a.state).toBe("saved");
    expect(states).toEqual(["pending", "saving", "error", "pending", "saving", "saved"]);
  });

  it("cancel drops the pending change", async () => {
    const save = vi.fn(async () => {});
    const a = new Autosaver<number>(save, 10);
    a.schedule(1);
    a.cancel();
    await vi.advanceTimersByTimeAsync(100);
    expect(save).not.toHaveBeenCalled();
    expect(a.state).toBe("idle");
  });
});
