export { ProblemsList, groupIssues, type ProblemsListProps } from "./ProblemsList";
export { PreviewPanel, upstreamGraph, type PreviewPanelProps } from "./PreviewPanel";
export { AdvisorPanel, type AdvisorPanelProps } from "./AdvisorPanel";
export { RunPanel, headlineMetrics, type RunPanelProps } from "./RunPanel";
export { useJobEvents, jobEventsUrl, type JobEvents } from "./useJobEvents";
export {
  jobProgressReducer,
  initialJobProgress,
  isTerminalEvent,
  parseJobEvent,
  type JobEvent,
  type JobProgress,
  type JobStatus,
  type LogEntry,
  type NodeStatus,
  type TrialEvent,
} from "./jobProgress";
export type { ApiGraph, GraphIssue } from "./types";
