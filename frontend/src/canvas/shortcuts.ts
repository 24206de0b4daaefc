// The canvas's keyboard shortcuts. None fires while the person types in a field, so Backspace in
// a parameter form edits text instead of deleting the node.

import { useEffect, useRef } from "react";

export type ShortcutHandlers = {
  remove(): void;
  undo(): void;
  redo(): void;
  copy(): void;
  paste(): void;
  save(): void;
};

/** True when the key goes to a text field, a select or an editable element. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  const type = (target as HTMLInputElement).type;
  return !["button", "checkbox", "radio", "submit", "reset", "range", "color", "file"].includes(type);
}

/** Which handler a key press means, or null. */
export function shortcutFor(e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "shiftKey" | "altKey">): keyof ShortcutHandlers | null {
  const mod = e.ctrlKey || e.metaKey;
  if (e.altKey) return null;
  const key = e.key.toLowerCase();
  if (!mod && (key === "delete" || key === "backspace")) return "remove";
  if (!mod) return null;
  if (key === "z") return e.shiftKey ? "redo" : "undo";
  if (key === "y") return "redo";
  if (key === "c" && !e.shiftKey) return "copy";
  if (key === "v" && !e.shiftKey) return "paste";
  if (key === "s") return "save";
  return null;
}

export function useShortcuts(handlers: ShortcutHandlers, enabled: boolean): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      const action = shortcutFor(e);
      if (action === null) return;
      // Ctrl+S saves even from a field (the browser's own "save page" would be useless here).
      if (action !== "save" && isTyping(e.target)) return;
      // Copying text selected on the page keeps working.
      if (action === "copy" && window.getSelection()?.toString()) return;
      e.preventDefault();
      ref.current[action]();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [enabled]);
}
