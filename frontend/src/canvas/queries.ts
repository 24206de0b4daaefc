// What the canvas reads from the server, through the query cache: the node catalog, the READY
// datasets, the columns flowing into a node, and the graph's validation while it is edited.

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { type Schemas, client, unwrap } from "../api/client";
import { type ApiGraph, type CanvasGraph, parentsOf, upstreamGraph } from "./graph";

export type NodeInfo = Schemas["NodeInfoPublic"];
export type ColumnInfo = { name: string; dtype: string };
export type GraphIssue = Schemas["GraphIssuePublic"];
export type Dataset = Schemas["DatasetPublic"];

export type Catalog = { nodes: NodeInfo[]; byId: Map<string, NodeInfo>; isModel: (type: string) => boolean };

// The cache holds each response as the server sent it, under the keys every page uses
// (["nodes"], ["datasets"]); the canvas derives its own view of them with `select`.
function toCatalog({ nodes }: Schemas["NodeCatalog"]): Catalog {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return { nodes, byId, isModel: (type) => byId.get(type)?.group === "model" };
}

export function useCatalog() {
  return useQuery({
    queryKey: ["nodes"],
    staleTime: Infinity,
    queryFn: () => unwrap(client.GET("/api/v1/nodes")),
    select: toCatalog,
  });
}

const datasetsOf = (list: Schemas["DatasetList"]) => list.datasets;

export function useDatasets() {
  return useQuery({
    queryKey: ["datasets"],
    queryFn: () => unwrap(client.GET("/api/v1/datasets", { params: { query: { limit: 200 } } })),
    select: datasetsOf,
  });
}

/** `value`, once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

export type NodePreview = Schemas["NodePreviewPublic"];

/**
 * The preview of a graph still being drawn. The drawn part is validated first (a missing split,
 * target or model is fine): while a node's parameters are incomplete the answer is its problems,
 * not a refused preview.
 */
export async function previewDrawnGraph(
  datasetId: string,
  graph: ApiGraph,
  rows: number,
  signal?: AbortSignal,
): Promise<{ problems: GraphIssue[]; nodes: NodePreview[] }> {
  const check = await unwrap(
    client.POST("/api/v1/pipelines/validate", { body: { dataset_id: datasetId, graph, partial: true }, signal }),
  );
  if (!check.valid) return { problems: check.errors, nodes: [] };
  const result = await unwrap(client.POST("/api/v1/pipelines/preview", { body: { dataset_id: datasetId, graph, rows }, signal }));
  return { problems: [], nodes: result.nodes };
}

/**
 * The columns flowing into `nodeId`: its parent's output (from the preview of the graph up to
 * that parent), or the dataset's own columns for a node without parent.
 */
export function useInputColumns(datasetId: string | null, graph: CanvasGraph, nodeId: string | null, dataset: Dataset | undefined) {
  const parent = nodeId === null ? undefined : parentsOf(graph, nodeId)[0];
  const upstream = parent === undefined ? null : upstreamGraph(graph, parent);
  const key = upstream === null ? null : JSON.stringify(upstream);
  const debouncedKey = useDebounced(key, 400);
  const preview = useQuery({
    queryKey: ["columns", datasetId, debouncedKey],
    enabled: datasetId !== null && debouncedKey !== null,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
    queryFn: async (): Promise<ColumnInfo[]> => {
      const g = JSON.parse(debouncedKey as string) as ApiGraph;
      const result = await previewDrawnGraph(datasetId as string, g, 1);
      const out = result.nodes.find((n) => n.node_id === parent);
      return out?.columns ?? [];
    },
  });
  if (parent === undefined) return { columns: dataset?.columns ?? [], loading: false, error: null as unknown };
  return { columns: preview.data ?? [], loading: preview.isFetching, error: preview.error as unknown };
}

/** The graph's problems, validated against the dataset's columns once edits pause. */
export function useValidation(datasetId: string | null, graph: ApiGraph, enabled: boolean) {
  const key = useDebounced(JSON.stringify(graph), 500);
  return useQuery({
    queryKey: ["validate", datasetId, key],
    enabled: enabled && graph.nodes.length > 0,
    placeholderData: keepPreviousData,
    retry: false,
    queryFn: async () => {
      const body = { dataset_id: datasetId, graph: JSON.parse(key) as ApiGraph, partial: false };
      return unwrap(client.POST("/api/v1/pipelines/validate", { body }));
    },
  });
}
