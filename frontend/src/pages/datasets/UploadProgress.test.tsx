// @vitest-environment jsdom
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { UploadProgress } from "./UploadProgress";

afterEach(cleanup);

describe("UploadProgress", () => {
  it("shows a labelled bar that moves with the bytes sent", () => {
    const { rerender } = render(<UploadProgress filename="big.csv" loaded={0} total={4 * 1024 * 1024} />);
    const bar = screen.getByRole("progressbar", { name: "Uploading big.csv" });
    expect(bar.getAttribute("value")).toBe("0");
    rerender(<UploadProgress filename="big.csv" loaded={1024 * 1024} total={4 * 1024 * 1024} />);
    expect(bar.getAttribute("value")).toBe("25");
    expect(screen.getByText("25% · 1.0 MB of 4.0 MB")).toBeTruthy();
    rerender(<UploadProgress filename="big.csv" loaded={4 * 1024 * 1024} total={4 * 1024 * 1024} />);
    expect(bar.getAttribute("value")).toBe("100");
  });

  it("never passes 100% and reads 0% when the size is unknown", () => {
    const { rerender } = render(<UploadProgress filename="a.csv" loaded={10} total={5} />);
    expect(screen.getByRole("progressbar").getAttribute("value")).toBe("100");
    rerender(<UploadProgress filename="a.csv" loaded={10} total={0} />);
    expect(screen.getByRole("progressbar").getAttribute("value")).toBe("0");
  });
});
