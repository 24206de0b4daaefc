// The canvas page: routes to the editor (`/canvas`, `/canvas/:pipelineId`, `/canvas?dataset=`)
// or to a job's graph read-only (`/canvas?job=<id>`). `/canvas` alone reopens the last pipeline.

import { ReactFlowProvider } from "@xyflow/react";
import { Navigate, useParams, useSearchParams } from "react-router";
import { CanvasEditor } from "./CanvasEditor";
import { JobGraphView } from "./JobGraphView";
import { lastPipeline } from "./pipelines";
import "./canvas.css";

export default function CanvasPage() {
  const { pipelineId } = useParams();
  const [search] = useSearchParams();
  const job = search.get("job");
  const isNew = search.has("new");
  const dataset = search.get("dataset");

  if (job !== null) {
    return (
      <ReactFlowProvider>
        <JobGraphView jobId={job} />
      </ReactFlowProvider>
    );
  }
  const last = pipelineId === undefined && !isNew && dataset === null ? lastPipeline() : null;
  if (last !== null) return <Navigate to={`/canvas/${last}`} replace />;
  return (
    <ReactFlowProvider>
      <CanvasEditor routeId={pipelineId ?? null} isNew={isNew || pipelineId === undefined} initialDataset={dataset} />
    </ReactFlowProvider>
  );
}
