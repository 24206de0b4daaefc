import { useState, type FormEvent } from "react";
import type { SignatureInput } from "../../api/contracts";
import { buildRow, fieldType, initialValues } from "./predictionForm";

export interface PredictionFormProps {
  inputs: SignatureInput[];
  /** A dataset row to prefill the fields with (columns the signature lacks are ignored). */
  example?: Record<string, unknown> | null;
  busy?: boolean;
  onSubmit: (row: Record<string, unknown>) => void;
  onChange?: (row: Record<string, unknown>) => void;
}

/** A form with one labelled field per input column of the model's signature. */
export function PredictionForm({ inputs, example, busy = false, onSubmit, onChange }: PredictionFormProps) {
  const [values, setValues] = useState(() => initialValues(inputs, example));
  const set = (name: string, value: string) => {
    const next = { ...values, [name]: value };
    setValues(next);
    onChange?.(buildRow(inputs, next));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(buildRow(inputs, values));
  };
  return (
    <form onSubmit={submit} aria-label="Prediction input">
      <div className="form-grid">
        {inputs.map((input) => {
          const id = `input-${input.name}`;
          const type = fieldType(input);
          return (
            <div className="field" key={input.name}>
              <label htmlFor={id}>{input.name}</label>
              {type === "boolean" ? (
                <select id={id} value={values[input.name] ?? ""} onChange={(e) => set(input.name, e.target.value)}>
                  <option value="">(missing)</option>
                  <option value="true">true</option>
                  <option value="false">false</option>
                </select>
              ) : (
                <input
                  id={id}
                  type={type === "number" ? "number" : "text"}
                  step={type === "number" ? "any" : undefined}
                  value={values[input.name] ?? ""}
                  onChange={(e) => set(input.name, e.target.value)}
                  aria-describedby={`${id}-hint`}
                />
              )}
              <span className="hint" id={`${id}-hint`}>
                {input.kind ?? input.dtype}
              </span>
            </div>
          );
        })}
      </div>
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          Predict
        </button>
      </div>
    </form>
  );
}
