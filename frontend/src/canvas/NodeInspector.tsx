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

/**
 * Splits a node's issues: field -> message for the parameters its form shows, and the rest
 * (its edges, its type, its place in the graph) as messages about the node as a whole.
 */
export function splitIssues(issues: GraphIssue[], schema: JsonSchema | undefined): { fields: Record<string, string>; node: string[] } {
  const params = new Set(Object.keys(schema?.properties ?? {}));
  const fields: Record<string, string> = {};
  const node: string[] = [];
  for (const issue of issues) {
    const top = issue.field?.split(".")[0];
    if (issue.field === null || top === undefined || !params.has(top)) {
      node.push(issue.message);
      continue;
    }
    const prior = fields[issue.field];
    fields[issue.field] = prior === undefined ? issue.message : `${prior}; ${issue.message}`;
  }
  return { fields, node };
}

export function NodeInspector({ node, info, columns, columnsLoading, columnsError, issues, focusField, readOnly, onChange, children }: Props) {
  const schema = info?.params_schema as JsonSchema | undefined;
  const split = splitIssues(issues, schema);
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
      {split.node.length > 0 && (
        <div className="node-problems" role="alert">
          <ul>
            {split.node.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </div>
      )}
      {columnsError !== null && columnsError !== undefined && <ErrorState error={columnsError} title="Columns at this node" />}
      {columnsLoading && (
        <p className="muted" role="status">
          Reading the columns flowing into this node…
        </p>
      )}
      {schema !== undefined && (
        <SchemaForm
          key={node.id}
          schema={schema}
          value={node.params}
          onChange={onChange}
          columns={columns}
          errors={split.fields}
          {...(focusField !== undefined ? { focusField } : {})}
          readOnly={readOnly}
        />
      )}
      {children}
    </section>
  );
}
