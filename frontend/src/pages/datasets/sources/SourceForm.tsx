// "New dataset from a source": a database table or query, a JSON API, or an S3 object. The
// server checks the source (driver, statement, address, URI) before recording it; its refusal
// is shown with the field it names. Secrets (the database URL, the auth header) are sent once
// and never come back.

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ApiError, client, errorMessage, unwrap, type Schemas } from "../../../api/client";

type Kind = "sql" | "http" | "s3";
type Dataset = Schemas["DatasetPublic"];
type Body = Schemas["DatasetSourceCreate"];

const KINDS: { value: Kind; label: string }[] = [
  { value: "sql", label: "SQL database" },
  { value: "http", label: "HTTP API (JSON)" },
  { value: "s3", label: "S3 object" },
];

interface Fields {
  name: string;
  url: string;
  table: string;
  query: string;
  httpUrl: string;
  recordsPath: string;
  pagination: "none" | "page" | "cursor";
  pageParam: string;
  cursorPath: string;
  authName: string;
  authValue: string;
  uri: string;
  sheet: string;
  headerRow: string;
}

const EMPTY: Fields = {
  name: "",
  url: "",
  table: "",
  query: "",
  httpUrl: "",
  recordsPath: "",
  pagination: "none",
  pageParam: "page",
  cursorPath: "",
  authName: "",
  authValue: "",
  uri: "",
  sheet: "",
  headerRow: "0",
};

function body(kind: Kind, f: Fields): Body {
  if (kind === "sql") return { name: f.name, source: { kind, url: f.url, table: f.table, query: f.query } };
  if (kind === "http")
    return {
      name: f.name,
      source: {
        kind,
        url: f.httpUrl,
        records_path: f.recordsPath,
        pagination: f.pagination,
        page_param: f.pageParam,
        cursor_path: f.cursorPath,
        auth_header_name: f.authName,
        auth_header_value: f.authValue,
        max_pages: 100,
      },
    };
  return { name: f.name, source: { kind, uri: f.uri, sheet: f.sheet, header_row: Number(f.headerRow) || 0 } };
}

function faultField(err: unknown): string | null {
  if (err instanceof ApiError && typeof err.details.field === "string") return err.details.field;
  return null;
}

export function SourceForm({ onCreated }: { onCreated?: (dataset: Dataset) => void }) {
  const [kind, setKind] = useState<Kind>("sql");
  const [fields, setFields] = useState<Fields>(EMPTY);
  const create = useMutation({
    mutationFn: (b: Body) => unwrap(client.POST("/api/v1/datasets/sources", { body: b })),
    onSuccess: (dataset) => {
      setFields(EMPTY);
      onCreated?.(dataset);
    },
  });
  const set = (key: keyof Fields) => (e: { target: { value: string } }) =>
    setFields((f) => ({ ...f, [key]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(body(kind, fields));
  };
  const field = faultField(create.error);

  return (
    <section className="panel" aria-labelledby="source-form-title">
      <div className="panel-head">
        <h2 id="source-form-title">New dataset from a source</h2>
      </div>
      <form onSubmit={submit} className="source-form">
        <label>
          Source kind
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Dataset name
          <input value={fields.name} onChange={set("name")} placeholder="defaults to the table, path or file" />
        </label>
        {kind === "sql" && (
          <>
            <label>
              Database URL
              <input
                value={fields.url}
                onChange={set("url")}
                placeholder="postgresql://user:password@host/db"
                autoComplete="off"
                required
              />
            </label>
            <label>
              Table
              <input value={fields.table} onChange={set("table")} placeholder="schema.table" />
            </label>
            <label>
              Query
              <textarea value={fields.query} onChange={set("query")} placeholder="SELECT … (instead of a table)" />
            </label>
          </>
        )}
        {kind === "http" && (
          <>
            <label>
              API URL
              <input value={fields.httpUrl} onChange={set("httpUrl")} placeholder="https://api.example.com/items" required />
            </label>
            <label>
              Records path
              <input value={fields.recordsPath} onChange={set("recordsPath")} placeholder="data.items" />
            </label>
            <label>
              Pagination
              <select value={fields.pagination} onChange={set("pagination")}>
                <option value="none">none</option>
                <option value="page">page number</option>
                <option value="cursor">cursor</option>
              </select>
            </label>
            {fields.pagination !== "none" && (
              <label>
                Page or cursor parameter
                <input value={fields.pageParam} onChange={set("pageParam")} />
              </label>
            )}
            {fields.pagination === "cursor" && (
              <label>
                Cursor path
                <input value={fields.cursorPath} onChange={set("cursorPath")} placeholder="next" />
              </label>
            )}
            <label>
              Auth header name
              <input value={fields.authName} onChange={set("authName")} placeholder="Authorization" />
            </label>
            <label>
              Auth header value
              <input type="password" value={fields.authValue} onChange={set("authValue")} autoComplete="off" />
            </label>
          </>
        )}
        {kind === "s3" && (
          <>
            <label>
              S3 URI
              <input value={fields.uri} onChange={set("uri")} placeholder="s3://bucket/path/data.csv" required />
            </label>
            <label>
              Sheet (Excel)
              <input value={fields.sheet} onChange={set("sheet")} placeholder="the first" />
            </label>
            <label>
              Header row (Excel, from 0)
              <input type="number" min={0} value={fields.headerRow} onChange={set("headerRow")} />
            </label>
          </>
        )}
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create dataset"}
        </button>
        {create.isError && (
          <p role="alert" className="error">
            {field !== null && <strong>{field}: </strong>}
            {errorMessage(create.error)}
          </p>
        )}
        {create.isSuccess && (
          <p role="status">
            {create.data.name} is being ingested (version {create.data.version}).
          </p>
        )}
      </form>
    </section>
  );
}
