// A job's pipeline on the canvas, read-only and auto-laid out: the lineage view that model
// versions and jobs link to. The graph comes from the saved pipeline version the job ran, or,
// for a job submitted without one, from the lineage of the model version it registered.

import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Link } from "react-router";
import { client, unwrap } from "../api/client";
import { ErrorState, Loading } from "../components/States";
import { FlowCanvas } from "./FlowCanvas";
import { type ApiGraphIn, type CanvasGraph, move } from "./graph";
import { autoLayout } from "./layout";
import { useCatalog } from "./queries";
import type { NodeStatus } from "./StepNode";
import { pipelinesApi } from "./pipelines";

function isGraph(value: unknown): value is ApiGraphIn {
  return typeof value === "object" && value !== null && Array.isArray((value as { nodes?: unknown }).nodes);
}

async function jobGraph(jobId: string) {
  const job = await unwrap(client.GET("/api/v1/jobs/{job_id}", { params: { path: { job_id: jobId } } }));
  let graph: ApiGraphIn | null = null;
  const pipelineId = job.pipeline_id ?? null;
  const pipelineVersion = job.pipeline_version ?? null;
  if (pipelineId !== null && pipelineVersion !== null) {
    const { versions } = await pipelinesApi.versions(pipelineId);
    graph = versions.find((v) => v.version === pipelineVersion)?.graph ?? null;
  }
  if (graph === null && job.model_version !== null && job.model_name !== "") {
    const version = await unwrap(
      client.GET("/api/v1/models/{name}/versions/{version}", { params: { path: { name: job.model_name, version: String(job.model_version) } } }),
    );
    const lineage = version.lineage.pipeline;
    graph = isGraph(lineage) ? lineage : isGraph((lineage as { graph?: unknown } | null)?.graph) ? ((lineage as { graph: ApiGraphIn }).graph) : null;
  }
  return { job, graph };
}

export function JobGraphView({ jobId }: { jobId: string }) {
  const catalog = useCatalog();
  const query = useQuery({ queryKey: ["job-graph", jobId], queryFn: () => jobGraph(jobId) });
  const [selected, setSelected] = useState<string[]>([]);

  const graph = useMemo<CanvasGraph | null>(() => {
    const g = query.data?.graph;
    if (g === null || g === undefined) return null;
    const base: CanvasGraph = {
      nodes: g.nodes.map((n) => ({ id: n.id, type: n.type, params: n.params ?? {}, position: { x: 0, y: 0 } })),
      edges: g.edges ?? [],
    };
    return move(base, autoLayout(base));
  }, [query.data]);

  const statuses = useMemo<Record<string, NodeStatus>>(() => {
    const status = query.data?.job.status;
    const all: NodeStatus | null = status === "SUCCEEDED" ? "done" : status === "FAILED" ? "failed" : null;
    return all === null || graph === null ? {} : Object.fromEntries(graph.nodes.map((n) => [n.id, all]));
  }, [query.data, graph]);

  if (query.isPending || catalog.isPending) return <Loading what="the job's pipeline" />;
  if (query.isError) return <ErrorState error={query.error} title={`Job ${jobId}`} />;
  if (catalog.isError) return <ErrorState error={catalog.error} title="Node catalog" />;
  const { job } = query.data;
  const node = graph?.nodes.find((n) => n.id === selected[0]);

  return (
    <div className="canvas-page">
      <div className="canvas-bar">
        <h1 className="canvas-title">Pipeline of job {job.id.slice(0, 8)}</h1>
        <span className="badge">read-only</span>
        <span className={`badge badge-${job.status.toLowerCase()}`}>{job.status.toLowerCase()}</span>
        <Link to={`/jobs/${job.id}`}>Open the job</Link>
        {job.pipeline_id != null && <Link to={`/canvas/${job.pipeline_id}`}>Open the saved pipeline (v{job.pipeline_version})</Link>}
      </div>
      {graph === null ? (
        <ErrorState error="This job's pipeline graph is not recorded." />
      ) : (
        <div className="canvas-body canvas-body-readonly">
          <div className="canvas-center">
            <FlowCanvas
              graph={graph}
              selected={selected}
              catalog={catalog.data}
              statuses={statuses}
              issues={{}}
              readOnly
              dispatch={(a) => {
                if (a.type === "select") setSelected(a.ids);
              }}
              onDropNode={() => {}}
              selectedEdges={[]}
              onSelectEdges={() => {}}
              fitKey={1}
            />
          </div>
          <aside className="side" aria-label="Node parameters">
            {node === undefined ? (
              <p className="muted">Select a node to read its parameters.</p>
            ) : (
              <section>
                <h2>{node.type}</h2>
                <p className="muted">
                  <code>{node.id}</code>
                </p>
                <pre className="params-json">{JSON.stringify(node.params, null, 2)}</pre>
              </section>
            )}
          </aside>
        </div>
      )}
    </div>
  );
}
