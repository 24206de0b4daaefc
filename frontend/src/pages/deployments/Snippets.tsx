import { useState } from "react";
import { curlSnippet, pythonSnippet, type PredictCall } from "../../lib/snippets";

function Snippet({ id, label, text }: { id: string; label: string; text: string }) {
  const [note, setNote] = useState("");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setNote("Copied.");
    } catch {
      setNote("The browser refused the clipboard: select the text below and copy it.");
    }
  };
  return (
    <div className="snippet-block">
      <div className="form-actions">
        <button type="button" onClick={() => void copy()}>
          {label}
        </button>
        <span className="muted" role="status" aria-live="polite">
          {note}
        </span>
      </div>
      <label htmlFor={id} className="visually-hidden">
        {label} text
      </label>
      <textarea id={id} className="snippet" readOnly value={text} spellCheck={false} />
    </div>
  );
}

/** The prediction call as curl and as Python, each with a copy button and its text in view. */
export function Snippets(call: PredictCall) {
  return (
    <div className="grid-2">
      <Snippet id="snippet-curl" label="Copy as curl" text={curlSnippet(call)} />
      <Snippet id="snippet-python" label="Copy as Python" text={pythonSnippet(call)} />
    </div>
  );
}
