// The selected node's side panel: what it is, its parameter form (generated from its JSON
// Schema, with column pickers fed by the columns flowing into it) and its problems.

import type { ReactNode } from "react";
import { ErrorState } from "../components/States";
import { type JsonSchema, SchemaForm } from "./forms";
import type { CanvasNode } from "./graph";
import type { ColumnInfo, GraphIssue, NodeInfo } from "./queries";

type Props = {
  node: CanvasNode;
  info: NodeInfo | undefined;
  columns: ColumnInfo[];
  columnsLoading: boolean;
  columnsError: unknown;
  issues: GraphIssue[];
  focusField: string | undefined;
  readOnly: boolean;
  onChange(params: Record<string, unknown>): void;
  children?: ReactNode;
};

/** Field -> message for the form; issues naming no field go under the node's type. */
export function fieldErrors(issues: GraphIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.field ?? "type";
    out[key] = out[key] === undefined ? issue.message : `${out[key]}; ${issue.message}`;
  }
  return out;
}

export function NodeInspector({ node, info, columns, columnsLoading, columnsError, issues, focusField, readOnly, onChange, children }: Props) {
  return (
    <section className="inspector" aria-labelledby="inspector-title">
      <header className="inspector-head">
        <h2 id="inspector-title">{node.type}</h2>
        <span className={`tag group-${info?.group ?? "unknown"}`}>{info?.group ?? "unknown type"}</span>
        {info?.learns && info.group !== "model" && <span className="tag">learns from train</span>}
        {info?.train_only && <span className="tag">train only</span>}
      </header>
      <p className="muted inspector-desc">
        <code>{node.id}</code> — {info?.description ?? "This node type is not in the catalog."}
      </p>
      {columnsError !== null && columnsError !== undefined && <ErrorState error={columnsError} title="Columns at this node" />}
      {columnsLoading && (
        <p className="muted" role="status">
          Reading the columns flowing into this node…
        </p>
      )}
      {info !== undefined && (
        <SchemaForm
          key={node.id}
          schema={info.params_schema as JsonSchema}
          value={node.params}
          onChange={onChange}
          columns={columns}
          errors={fieldErrors(issues)}
          {...(focusField !== undefined ? { focusField } : {})}
          readOnly={readOnly}
        />
      )}
      {children}
    </section>
  );
}
