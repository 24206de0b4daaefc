// The output of the selected node on a sample of the dataset: its rows (scrolling inside the panel),
// its row and column counts per split, and the preview's warnings. Only the part of the graph that
// feeds the node is sent; edits are debounced and results cached per (dataset, node, subgraph).
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useId, useMemo } from "react";
import { Empty, ErrorState, Loading } from "../../components/States";
import { previewDrawnGraph, useDebounced, type NodePreview } from "../queries";
import type { ApiGraph } from "./types";
import "./panels.css";

export interface PreviewPanelProps {
  datasetId: string;
  graph: ApiGraph;
  nodeId: string;
}

const PREVIEW_ROWS = 20;
const DEBOUNCE_MS = 400;

/** The node and every node upstream of it, with the edges between them, in the graph's order. */
export function upstreamGraph(graph: ApiGraph, nodeId: string): ApiGraph {
  const keep = new Set<string>([nodeId]);
  const pending = [nodeId];
  while (pending.length > 0) {
    const current = pending.pop();
    for (const edge of graph.edges) {
      if (edge.target === current && !keep.has(edge.source)) {
        keep.add(edge.source);
        pending.push(edge.source);
      }
    }
  }
  return {
    nodes: graph.nodes.filter((n) => keep.has(n.id)),
    edges: graph.edges.filter((e) => keep.has(e.source) && keep.has(e.target)),
  };
}

function cell(value: unknown): { text: string; missing: boolean } {
  if (value === null || value === undefined) return { text: "null", missing: true };
  if (typeof value === "object") return { text: JSON.stringify(value), missing: false };
  return { text: String(value), missing: false };
}

export function PreviewPanel({ datasetId, graph, nodeId }: PreviewPanelProps) {
  const titleId = useId();
  // Keyed by content, so a re-render with an equal graph neither refetches nor restarts the delay.
  const subgraphJson = useMemo(() => JSON.stringify(upstreamGraph(graph, nodeId)), [graph, nodeId]);
  const requested = useDebounced(subgraphJson, DEBOUNCE_MS);
  const preview = useQuery({
    queryKey: ["preview", datasetId, nodeId, requested],
    queryFn: ({ signal }) => previewDrawnGraph(datasetId, JSON.parse(requested) as ApiGraph, PREVIEW_ROWS, signal),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
  });
  const node: NodePreview | undefined = preview.data?.nodes.find((n) => n.node_id === nodeId);
  const problems = preview.data?.problems ?? [];
  const pending = requested !== subgraphJson || preview.isFetching;

  return (
    <section className="panel preview" aria-labelledby={titleId} aria-busy={pending}>
      <h2 id={titleId}>Preview of {nodeId}</h2>
      {preview.isPending && <Loading what="the preview" />}
      {preview.error !== null && <ErrorState error={preview.error} title="Preview failed" />}
      {problems.length > 0 && preview.error === null && (
        <div className="preview-blocked" role="note">
          <p>The preview runs once these are fixed:</p>
          <ul aria-label="Preview blocked by">
            {problems.map((p, i) => (
              <li key={i}>
                {p.node_id !== null && <strong>{p.node_id}: </strong>}
                {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {preview.data !== undefined && problems.length === 0 && node === undefined && preview.error === null && (
        <Empty>The preview returned nothing for this node.</Empty>
      )}
      {node !== undefined && preview.error === null && (
        <>
          {node.splits !== undefined && node.splits.length > 0 ? (
            <dl className="splits" aria-label="Rows and columns per split">
              {node.splits.map((s) => (
                <div key={s.name}>
                  <dt>{s.name}</dt>
                  <dd>
                    {s.n_rows.toLocaleString()} rows × {s.n_columns} columns
                  </dd>
                </div>
              ))}
            </dl>
          ) : (
            <p className="field-help">
              {node.n_rows.toLocaleString()} rows × {node.columns.length} columns
            </p>
          )}
          {node.warnings !== undefined && node.warnings.length > 0 && (
            <ul className="warnings" aria-label="Preview warnings">
              {node.warnings.map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ul>
          )}
          {node.rows.length === 0 ? (
            <Empty>No rows come out of this node.</Empty>
          ) : (
            <div className="preview-table-wrap" tabIndex={0} role="region" aria-label={`Rows out of ${nodeId}`}>
              <table className="preview-table">
                <caption className="visually-hidden">
                  First {node.rows.length} rows out of {nodeId}
                </caption>
                <thead>
                  <tr>
                    {node.columns.map((c) => (
                      <th key={c.name} scope="col">
                        {c.name}
                        <span className="preview-dtype">{c.dtype}</span>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {node.rows.map((row, i) => (
                    <tr key={i}>
                      {node.columns.map((c) => {
                        const { text, missing } = cell(row[c.name]);
                        return (
                          <td key={c.name} className={missing ? "preview-null" : undefined}>
                            {text}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
