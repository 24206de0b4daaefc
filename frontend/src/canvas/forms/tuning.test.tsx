// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { randomForestSchema } from "./__fixtures__/tunedModel";
import { SchemaForm } from "./SchemaForm";
import { defaultSpec, parseChoices, specProblem, tunables } from "./searchSpace";

vi.setConfig({ testTimeout: 20_000 });
afterEach(cleanup);

function Stateful({ initial = {}, onChange, errors }: { initial?: Record<string, unknown>; onChange(v: Record<string, unknown>): void; errors?: Record<string, string> }) {
  const [value, setValue] = useState(initial);
  return (
    <SchemaForm
      schema={randomForestSchema}
      value={value}
      columns={[]}
      {...(errors !== undefined ? { errors } : {})}
      onChange={(next) => {
        setValue(next);
        onChange(next);
      }}
    />
  );
}

const last = (fn: ReturnType<typeof vi.fn>) => fn.mock.calls.at(-1)?.[0] as Record<string, unknown>;

describe("search space helpers", () => {
  const list = tunables(randomForestSchema);
  const n = list.find((t) => t.name === "n_estimators");

  it("reads the tunable parameters, their bounds and default ranges per strategy", () => {
    expect(list.map((t) => t.name)).toEqual(["n_estimators", "max_depth", "min_samples_split", "min_samples_leaf", "max_features", "criterion", "class_weight"]);
    expect(n?.minimum).toBe(1);
    expect(list.find((t) => t.name === "max_depth")?.maximum).toBe(1000);
    expect(n && defaultSpec(n, "optuna")).toEqual({ type: "int", low: 50, high: 500, log: false });
    expect(n && defaultSpec(n, "grid")).toEqual({ type: "categorical", choices: [50, 100, 200] });
  });

  it("names what is wrong with a range", () => {
    expect(specProblem({ type: "int", low: 10, high: 5 }, n, "random")).toBe("Low (10) is above high (5)");
    expect(specProblem({ type: "int", low: 0, high: 5 }, n, "random")).toBe("Low must be at least 1");
    expect(specProblem({ type: "int", low: 1.5, high: 5 }, n, "random")).toBe("An integer range needs whole numbers");
    expect(specProblem({ type: "float", low: 0, high: 1, log: true }, undefined, "random")).toBe("A log scale needs low above 0");
    expect(specProblem({ type: "float", low: 0.1, high: 1, log: true, step: 0.1 }, undefined, "random")).toBe("Use either a step or a log scale, not both");
    expect(specProblem({ type: "float", low: 0.1, high: 1 }, undefined, "grid")).toBe("A grid over a float range needs a step");
    expect(specProblem({ type: "categorical", choices: [] }, undefined, "grid")).toBe("Give at least one choice");
    expect(specProblem({ type: "int", low: 2, high: 20 }, n, "grid")).toBeNull();
    expect(parseChoices("sqrt, 3, null, true,")).toEqual(["sqrt", 3, null, true]);
  });
});

describe("tuning editor", () => {
  it("switches a model to Tune and shows the tuning settings seeded from the schema", () => {
    const onChange = vi.fn();
    render(<Stateful onChange={onChange} />);
    expect(screen.queryByRole("group", { name: "Tuning" })).toBeNull();
    const mode = screen.getByRole("group", { name: "Training mode" });
    expect((within(mode).getByLabelText("Train once") as HTMLInputElement).checked).toBe(true);
    fireEvent.click(within(mode).getByLabelText("Tune"));
    expect(last(onChange)).toMatchObject({ run_mode: "tuned", tuning_config: {} });
    const tuning = screen.getByRole("group", { name: "Tuning" });
    // Only the task's metrics, with the server's default first.
    const metric = within(tuning).getByLabelText("Metric") as HTMLSelectElement;
    const options = [...metric.options].map((o) => o.value);
    expect(options).toContain("roc_auc");
    expect(options).not.toContain("r2");
    expect(metric.options[0]?.textContent).toBe("default (accuracy)");
    fireEvent.change(metric, { target: { value: "f1" } });
    expect(last(onChange).tuning_config).toEqual({ metric: "f1" });
    // Optuna (the default strategy) shows its sampler and pruner; random does not.
    expect(within(tuning).getByLabelText("Sampler")).toBeTruthy();
    fireEvent.change(within(tuning).getByLabelText("Strategy"), { target: { value: "1" } });
    expect(last(onChange).tuning_config).toMatchObject({ strategy: "random" });
    expect(within(tuning).queryByLabelText("Sampler")).toBeNull();
    fireEvent.change(within(tuning).getByLabelText("N Trials"), { target: { value: "6" } });
    expect(last(onChange).tuning_config).toMatchObject({ n_trials: 6 });
    // The search space lists the defaults; the first edit writes them out.
    expect((within(tuning).getByLabelText("Low of n_estimators") as HTMLInputElement).value).toBe("50");
    fireEvent.change(within(tuning).getByLabelText("High of n_estimators"), { target: { value: "120" } });
    const space = (last(onChange).tuning_config as Record<string, unknown>).search_space as Record<string, unknown>;
    expect(space.n_estimators).toEqual({ type: "int", low: 50, high: 120, log: false });
    expect(Object.keys(space)).toHaveLength(7);
    fireEvent.click(within(tuning).getByLabelText("Search criterion"));
    const after = (last(onChange).tuning_config as Record<string, unknown>).search_space as Record<string, unknown>;
    expect(after.criterion).toBeUndefined();
    fireEvent.change(within(tuning).getByLabelText("Choices of max_features"), { target: { value: "sqrt" } });
    expect(((last(onChange).tuning_config as Record<string, unknown>).search_space as Record<string, unknown>).max_features).toEqual({ type: "categorical", choices: ["sqrt"] });
  });

  it("shows a range's problem at once and the server's errors at their fields", () => {
    const onChange = vi.fn();
    const initial = { run_mode: "tuned", tuning_config: { strategy: "random", search_space: { n_estimators: { type: "int", low: 50, high: 500 } } } };
    render(<Stateful initial={initial} onChange={onChange} errors={{ "tuning_config.metric": "'r2' is not a classification metric", "tuning_config.search_space.n_estimators": "bad range" }} />);
    expect(screen.getByText("'r2' is not a classification metric")).toBeTruthy();
    expect(screen.getByText("n_estimators: bad range")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Low of n_estimators"), { target: { value: "900" } });
    expect(screen.getByText("n_estimators: Low (900) is above high (500)")).toBeTruthy();
    // The only parameter left cannot be unchecked (a search needs one).
    expect((screen.getByLabelText("Search n_estimators") as HTMLInputElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Back to the defaults" }));
    expect((last(onChange).tuning_config as Record<string, unknown>).search_space).toEqual({});
  });
});
