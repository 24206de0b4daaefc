// The advisor's recommendations for the dataset and the chosen target. Each that suggests a node
// has "Add to canvas": the node and whether its type learns (from the node catalog), so the canvas
// places it after the split when it does. "Suggest a pipeline" asks for a whole graph assembled
// from them (split, learning nodes, model) and hands it to the canvas.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { client, unwrap } from "../../api/client";
import type { components } from "../../api/schema";
import { Empty, ErrorState, Loading } from "../../components/States";
import "./panels.css";

export type SuggestedPipeline = components["schemas"]["SuggestedPipelinePublic"];

export interface AdvisorPanelProps {
  datasetId: string;
  target: string | null;
  /** The dataset's columns: the targets a pipeline can be suggested for. */
  columns: string[];
  onInsert(node: { type: string; params: Record<string, unknown> }, learns: boolean): void;
  onSuggest(pipeline: SuggestedPipeline): void;
}

function formatStatistic(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(3);
}

const SEVERITY_ORDER: Record<string, number> = { critical: 0, warning: 1, info: 2 };

export function AdvisorPanel({ datasetId, target, columns, onInsert, onSuggest }: AdvisorPanelProps) {
  const titleId = useId();
  const targetId = useId();
  const [chosen, setChosen] = useState<string>("");
  const suggestTarget = chosen !== "" ? chosen : (target ?? "");
  const suggest = useMutation({
    mutationFn: (t: string) =>
      unwrap(
        client.POST("/api/v1/datasets/{dataset_id}/suggested-pipeline", {
          params: { path: { dataset_id: datasetId } },
          body: { target: t },
        }),
      ),
    onSuccess: onSuggest,
  });
  const advice = useQuery({
    queryKey: ["datasets", datasetId, "recommendations", target],
    queryFn: () =>
      unwrap(
        client.GET("/api/v1/datasets/{dataset_id}/recommendations", {
          params: { path: { dataset_id: datasetId }, query: target === null ? {} : { target } },
        }),
      ),
  });
  const catalog = useQuery({
    queryKey: ["nodes"],
    queryFn: () => unwrap(client.GET("/api/v1/nodes")),
    staleTime: Infinity,
  });
  const learns = new Map((catalog.data?.nodes ?? []).map((n) => [n.id, n.learns]));
  const recommendations = [...(advice.data?.recommendations ?? [])].sort(
    (a, b) => (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3),
  );

  return (
    <section className="panel advisor" aria-labelledby={titleId}>
      <h2 id={titleId}>Advisor</h2>
      <p className="field-help">{target === null ? "No target chosen: advice for the features only." : `Target: ${target}`}</p>
      <form
        className="suggest-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (suggestTarget !== "") suggest.mutate(suggestTarget);
        }}
      >
        <label htmlFor={targetId}>Target to predict</label>
        <select id={targetId} value={suggestTarget} onChange={(e) => setChosen(e.target.value)}>
          <option value="">— choose a column —</option>
          {columns.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <button type="submit" disabled={suggestTarget === "" || suggest.isPending}>
          {suggest.isPending ? "Suggesting…" : "Suggest a pipeline"}
        </button>
        <p className="field-help">Replaces the canvas with a whole pipeline built from these recommendations (Undo restores it).</p>
      </form>
      {suggest.error !== null && <ErrorState error={suggest.error} title="Suggest a pipeline" />}
      {suggest.data !== undefined && (
        <p role="status" className="suggest-done">
          Placed {suggest.data.graph.nodes.length} nodes: {suggest.data.model}, judged by {suggest.data.metric}.
        </p>
      )}
      {advice.isPending && <Loading what="recommendations" />}
      {advice.error !== null && <ErrorState error={advice.error} title="Recommendations" />}
      {catalog.error !== null && <ErrorState error={catalog.error} title="Node catalog" />}
      {advice.data !== undefined && recommendations.length === 0 && <Empty>No recommendations for this dataset.</Empty>}
      <ul className="advice-list">
        {recommendations.map((r) => {
          const node = r.node;
          const nodeLearns = node === null ? undefined : learns.get(node.type);
          return (
            <li key={r.id} className={`advice advice-${r.severity}`}>
              <h3>
                {r.title} <span className={`badge badge-${r.severity}`}>{r.severity}</span>
              </h3>
              <p>{r.message}</p>
              {r.columns.length > 0 && <p className="advice-columns">Columns: {r.columns.join(", ")}</p>}
              {r.statistic !== null && r.statistic !== undefined && <p className="advice-columns">Measured: {formatStatistic(r.statistic)}</p>}
              {(r.alternatives ?? []).length > 0 && (
                <p className="advice-columns">Alternatives: {(r.alternatives ?? []).map((a) => a.type).join(", ")}</p>
              )}
              {node !== null && r.stage === "model" && <p className="field-help">The model ends the pipeline: &quot;Suggest a pipeline&quot; places it.</p>}
              {node !== null && r.stage !== "model" && (
                <button
                  type="button"
                  disabled={nodeLearns === undefined}
                  title={nodeLearns === undefined ? "Waiting for the node catalog" : undefined}
                  aria-label={`Add ${node.type} to canvas (${r.title})`}
                  onClick={() => {
                    if (nodeLearns !== undefined) onInsert({ type: node.type, params: node.params }, nodeLearns);
                  }}
                >
                  Add {node.type} to canvas
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
