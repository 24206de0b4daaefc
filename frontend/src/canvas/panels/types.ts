// The graph as the REST API takes it (POST /pipelines/preview, POST /jobs).
export interface ApiGraph {
  nodes: { id: string; type: string; params: Record<string, unknown> }[];
  edges: { source: string; target: string }[];
}

/** One problem found by validation (the shape of GraphIssuePublic). */
export interface GraphIssue {
  node_id: string | null;
  field: string | null;
  column: string | null;
  message: string;
}
