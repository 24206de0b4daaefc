// @vitest-environment jsdom
import { cleanup, render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import { ResultsCompare } from "./ResultsCompare";

afterEach(cleanup);

describe("ResultsCompare", () => {
  it("puts a branching job's models side by side on their test metrics, the best of each marked", () => {
    render(
      <MemoryRouter>
        <ResultsCompare
          results={[
            { node_id: "lr", model_type: "logistic_regression", model_name: "churn", model_version: 1, metrics: { train_accuracy: 0.9, test_accuracy: 0.8, test_log_loss: 0.4 } },
            { node_id: "rf", model_type: "random_forest_classifier", model_name: "churn-rf", model_version: 2, metrics: { train_accuracy: 1, test_accuracy: 0.85, test_log_loss: 0.5 } },
          ]}
        />
      </MemoryRouter>,
    );
    const table = screen.getByRole("table");
    const headers = within(table).getAllByRole("columnheader").map((h) => h.textContent);
    expect(headers).toEqual(["Model node", "Model", "test_accuracy", "test_log_loss"]);
    const [lr, rf] = within(table).getAllByRole("row").slice(1);
    expect(within(rf!).getByText("0.85").closest("td")?.className).toContain("better");
    expect(within(lr!).getByText("0.4").closest("td")?.className).toContain("better");
    expect(within(lr!).getByText("0.8").closest("td")?.className).not.toContain("better");
    expect(within(rf!).getByRole("link", { name: "churn-rf v2" }).getAttribute("href")).toBe("/models/churn-rf");
  });
});
