import { describe, expect, it } from "vitest";
import { ApiError, groupNodes, serviceRows, SkyulfApi, type Dataset, type NodeSpec } from "./api";

type Handler = (url: string, init: RequestInit) => Response;

function fakeFetch(handler: Handler): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  const impl = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    calls.push(`${init?.method ?? "GET"} ${url}`);
    return handler(url, init ?? {});
  };
  return { fetch: impl as typeof fetch, calls };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

describe("SkyulfApi", () => {
  it("raises the server's error message from the error envelope", async () => {
    const { fetch } = fakeFetch(() =>
      json(
        {
          error: {
            code: "INVALID_ARGUMENT",
            message: "file 'x.txt' is not a CSV, Parquet or JSON file",
            details: { field: "file" },
          },
        },
        400,
      ),
    );
    const client = new SkyulfApi("", fetch);
    const upload = client.uploadDataset(new File(["a,b\n1,2\n"], "x.txt"));
    await expect(upload).rejects.toBeInstanceOf(ApiError);
    await expect(upload).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      status: 400,
      message: "file 'x.txt' is not a CSV, Parquet or JSON file",
    });
  });

  it("sends the file as the multipart field 'file'", async () => {
    let sent: FormData | null = null;
    const { fetch, calls } = fakeFetch((_url, init) => {
      sent = init.body as FormData;
      return json({ id: "d1", name: "iris.csv", status: "PENDING" }, 201);
    });
    const created = await new SkyulfApi("", fetch).uploadDataset(new File(["x\n1\n"], "iris.csv"));
    expect(calls).toEqual(["POST /api/v1/datasets"]);
    expect(created.status).toBe("PENDING");
    expect((sent as FormData | null)?.get("file")).toBeInstanceOf(File);
  });

  it("reports a non-JSON failure by its HTTP status", async () => {
    const { fetch } = fakeFetch(() => new Response("upstream down", { status: 502, statusText: "Bad Gateway" }));
    await expect(new SkyulfApi("", fetch).listNodes()).rejects.toThrow("502 Bad Gateway");
  });

  it("accepts a degraded health report sent with 503", async () => {
    const report = { status: "degraded", services: { ingestion: "NOT_SERVING" } };
    const { fetch } = fakeFetch(() => json(report, 503));
    await expect(new SkyulfApi("", fetch).getHealth()).resolves.toEqual(report);
  });

  it("polls a dataset until it is READY and reports every state", async () => {
    const states: Dataset[] = [
      { id: "d1", name: "iris.csv", status: "PENDING" },
      { id: "d1", name: "iris.csv", status: "PENDING" },
      {
        id: "d1",
        name: "iris.csv",
        status: "READY",
        n_rows: 150,
        n_columns: 5,
        columns: [{ name: "species", dtype: "String" }],
      },
    ];
    let i = 0;
    const { fetch, calls } = fakeFetch(() => json(states[Math.min(i++, states.length - 1)]));
    const seen: string[] = [];
    const final = await new SkyulfApi("", fetch).waitForDataset("d1", {
      intervalMs: 1,
      onUpdate: (d) => seen.push(d.status),
    });
    expect(final.n_rows).toBe(150);
    expect(seen).toEqual(["PENDING", "PENDING", "READY"]);
    expect(calls).toEqual(Array(3).fill("GET /api/v1/datasets/d1"));
  });

  it("stops polling when aborted", async () => {
    const { fetch } = fakeFetch(() => json({ id: "d1", name: "a.csv", status: "PENDING" }));
    const controller = new AbortController();
    const waiting = new SkyulfApi("", fetch).waitForDataset("d1", {
      intervalMs: 10_000,
      signal: controller.signal,
      onUpdate: () => controller.abort(),
    });
    await expect(waiting).rejects.toBeDefined();
  });
});

describe("groupNodes", () => {
  const node = (id: string, group: string): NodeSpec => ({
    id,
    group,
    description: "",
    learns: false,
    train_only: false,
    params_schema: {},
  });

  it("groups nodes by group, both in alphabetical order", () => {
    const grouped = groupNodes([
      node("standard_scaler", "scaling"),
      node("drop_columns", "cleaning"),
      node("min_max_scaler", "scaling"),
    ]);
    expect(grouped.map(([group, members]) => [group, members.map((n) => n.id)])).toEqual([
      ["cleaning", ["drop_columns"]],
      ["scaling", ["min_max_scaler", "standard_scaler"]],
    ]);
  });
});

describe("serviceRows", () => {
  it("lists the five services in a fixed order, UNKNOWN when missing", () => {
    const rows = serviceRows({ status: "degraded", services: { registry: "SERVING" } });
    expect(rows).toEqual([
      ["ingestion", "UNKNOWN"],
      ["pipeline", "UNKNOWN"],
      ["registry", "SERVING"],
      ["deployment", "UNKNOWN"],
      ["advisor", "UNKNOWN"],
    ]);
  });
});
