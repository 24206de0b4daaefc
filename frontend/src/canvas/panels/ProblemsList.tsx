// The validation problems of the graph, grouped by node, with a count. Each problem is a button:
// choosing it (click, Enter or Space) selects its node and field on the canvas.
import { useId } from "react";
import type { GraphIssue } from "./types";
import "./panels.css";

export interface ProblemsListProps {
  issues: GraphIssue[];
  onSelect(nodeId: string | null, field: string | null): void;
}

const GRAPH = "\u0000graph";

export function groupIssues(issues: GraphIssue[]): [string | null, GraphIssue[]][] {
  const groups = new Map<string, GraphIssue[]>();
  for (const issue of issues) {
    const key = issue.node_id ?? GRAPH;
    groups.set(key, [...(groups.get(key) ?? []), issue]);
  }
  // Problems of the whole graph first, then nodes in the order their first problem came.
  return [...groups.entries()]
    .sort(([a], [b]) => Number(b === GRAPH) - Number(a === GRAPH))
    .map(([key, list]) => [key === GRAPH ? null : key, list]);
}

export function ProblemsList({ issues, onSelect }: ProblemsListProps) {
  const titleId = useId();
  const count = issues.length;
  return (
    <section className="panel problems" aria-labelledby={titleId}>
      <h2 id={titleId}>
        Problems{" "}
        <span className={`badge ${count > 0 ? "badge-failed" : "badge-ok"}`} data-testid="problem-count">
          {count}
        </span>
        <span className="visually-hidden">{count === 1 ? "problem" : "problems"}</span>
      </h2>
      {count === 0 ? (
        <p className="state state-empty">No problems</p>
      ) : (
        <ul className="problem-groups">
          {groupIssues(issues).map(([nodeId, list]) => (
            <li key={nodeId ?? GRAPH}>
              <h3 className="problem-node">{nodeId ?? "Pipeline"}</h3>
              <ul className="problem-items">
                {list.map((issue, i) => (
                  <li key={i}>
                    <button type="button" className="problem" onClick={() => onSelect(issue.node_id, issue.field)}>
                      {issue.field !== null && <span className="problem-field">{issue.field}: </span>}
                      {issue.message}
                    </button>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
