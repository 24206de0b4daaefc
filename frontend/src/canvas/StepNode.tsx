// One pipeline step on the canvas: its type, its group's colour, a short summary of its key
// parameters, and badges for its run status and its validation problems. Focusable and labelled
// for keyboard and screen-reader use (the label says all the badges show).

import { Handle, type Node, type NodeProps, Position } from "@xyflow/react";
import { memo } from "react";

export type NodeStatus = "queued" | "running" | "done" | "failed" | "skipped";

export type StepData = {
  type: string;
  group: string;
  summary: string;
  status: NodeStatus | null;
  issues: string[];
  isModel: boolean;
  readOnly: boolean;
};

export type StepNodeType = Node<StepData, "step">;

const STATUS_TEXT: Record<NodeStatus, string> = {
  queued: "queued",
  running: "running",
  done: "done",
  failed: "failed",
  skipped: "skipped",
};

function shortValue(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => shortValue(v)).join(", ");
  if (value !== null && typeof value === "object") return `${Object.keys(value).length} set`;
  return String(value);
}

/** The few parameters worth reading on the node itself: the ones set, columns and target first. */
export function paramSummary(params: Record<string, unknown>, max = 2): string {
  const set = Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0));
  const rank = (k: string) => (k.includes("target") ? 0 : k === "columns" ? 1 : 2);
  set.sort(([a], [b]) => rank(a) - rank(b));
  const text = set
    .slice(0, max)
    .map(([k, v]) => `${k}: ${shortValue(v)}`)
    .join(" · ");
  return text.length > 70 ? `${text.slice(0, 69)}…` : text;
}

/** What a screen reader says for a node: type, status and problems. */
export function nodeLabel(id: string, data: StepData): string {
  const parts = [`${data.type} node ${id}`];
  if (data.status !== null) parts.push(`status ${STATUS_TEXT[data.status]}`);
  if (data.issues.length > 0) parts.push(`${data.issues.length} problem${data.issues.length > 1 ? "s" : ""}: ${data.issues.join("; ")}`);
  return parts.join(", ");
}

function StepNodeView({ id, data, selected }: NodeProps<StepNodeType>) {
  const classes = ["step", `group-${data.group}`];
  if (selected) classes.push("selected");
  if (data.status !== null) classes.push(`status-${data.status}`);
  if (data.issues.length > 0) classes.push("has-issues");
  return (
    <div className={classes.join(" ")} data-testid={`node-${id}`} data-status={data.status ?? ""}>
      <Handle type="target" position={Position.Left} isConnectable={!data.readOnly} />
      <div className="step-head">
        <span className="step-group">{data.group}</span>
        {data.status !== null && (
          <span className={`step-status step-status-${data.status}`} aria-hidden="true">
            {STATUS_TEXT[data.status]}
          </span>
        )}
      </div>
      <div className="step-type">{data.type}</div>
      <div className="step-id">{id}</div>
      {data.summary !== "" && <div className="step-summary">{data.summary}</div>}
      {data.issues.length > 0 && (
        <div className="step-issue" role="note" title={data.issues.join("\n")}>
          <span className="step-issue-count" aria-hidden="true">
            {data.issues.length}
          </span>
          <span className="step-issue-text">{data.issues[0]}</span>
        </div>
      )}
      {!data.isModel && <Handle type="source" position={Position.Right} isConnectable={!data.readOnly} />}
    </div>
  );
}

export const StepNode = memo(StepNodeView);
export const nodeTypes = { step: StepNode };
