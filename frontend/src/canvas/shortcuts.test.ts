// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { isTyping, shortcutFor } from "./shortcuts";

const key = (k: string, mods: Partial<Record<"ctrlKey" | "metaKey" | "shiftKey" | "altKey", boolean>> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe("canvas shortcuts", () => {
  it("maps the documented keys", () => {
    expect(shortcutFor(key("Delete"))).toBe("remove");
    expect(shortcutFor(key("Backspace"))).toBe("remove");
    expect(shortcutFor(key("z", { ctrlKey: true }))).toBe("undo");
    expect(shortcutFor(key("Z", { ctrlKey: true, shiftKey: true }))).toBe("redo");
    expect(shortcutFor(key("y", { ctrlKey: true }))).toBe("redo");
    expect(shortcutFor(key("z", { metaKey: true }))).toBe("undo");
    expect(shortcutFor(key("c", { ctrlKey: true }))).toBe("copy");
    expect(shortcutFor(key("v", { ctrlKey: true }))).toBe("paste");
    expect(shortcutFor(key("s", { ctrlKey: true }))).toBe("save");
    expect(shortcutFor(key("z"))).toBeNull();
    expect(shortcutFor(key("Delete", { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(key("z", { ctrlKey: true, altKey: true }))).toBeNull();
  });

  it("knows when a key goes to a field", () => {
    const text = document.createElement("input");
    const checkbox = document.createElement("input");
    checkbox.type = "checkbox";
    expect(isTyping(text)).toBe(true);
    expect(isTyping(document.createElement("textarea"))).toBe(true);
    expect(isTyping(document.createElement("select"))).toBe(true);
    expect(isTyping(checkbox)).toBe(false);
    expect(isTyping(document.createElement("button"))).toBe(false);
    expect(isTyping(document.body)).toBe(false);
    expect(isTyping(null)).toBe(false);
  });
});
