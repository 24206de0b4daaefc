// The drawing surface: React Flow renders the editor's graph (controlled), and every change a
// person makes (drag, connect, select, drop from the palette) goes back to the editor as an
// action, so the history sees it. Deleting is the page's shortcut, not React Flow's, so it
// never fires while someone types in a form.

import {
  Background,
  type Connection,
  Controls,
  type Edge,
  type EdgeChange,
  MiniMap,
  type NodeChange,
  ReactFlow,
  useNodesInitialized,
  useReactFlow,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { type DragEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { EditorAction } from "./editor";
import { type CanvasGraph, type XY, edgeId } from "./graph";
import { DRAG_MIME } from "./Palette";
import { type NodeStatus, type StepNodeType, nodeLabel, nodeTypes, paramSummary } from "./StepNode";
import { NODE_WIDTH } from "./layout";
import type { Catalog } from "./queries";

type Props = {
  graph: CanvasGraph;
  selected: string[];
  catalog: Catalog | undefined;
  statuses: Record<string, NodeStatus>;
  issues: Record<string, string[]>;
  readOnly: boolean;
  dispatch(action: EditorAction): void;
  onDropNode(type: string, position: XY): void;
  onSelectEdges(ids: string[]): void;
  selectedEdges: string[];
  /** Changes when a whole new graph is loaded: the view then fits it. */
  fitKey: number;
};

type Size = { width: number; height: number };

export const FIT = { padding: 0.15, maxZoom: 1, duration: 150 };

export function FlowCanvas({ graph, selected, catalog, statuses, issues, readOnly, dispatch, onDropNode, onSelectEdges, selectedEdges, fitKey }: Props) {
  const flow = useReactFlow();
  const initialized = useNodesInitialized();
  const fitted = useRef(-1);
  const empty = graph.nodes.length === 0;
  useEffect(() => {
    if (fitted.current === fitKey) return;
    // An empty graph keeps the default view: fitting the first dropped node would jump.
    if (empty) fitted.current = fitKey;
    if (!initialized) return;
    fitted.current = fitKey;
    void flow.fitView(FIT);
  }, [initialized, fitKey, flow, empty]);
  // React Flow measures each node once; a controlled node must carry its measured size along.
  const [measured, setMeasured] = useState<Record<string, Size>>({});

  const nodes = useMemo<StepNodeType[]>(
    () =>
      graph.nodes.map((n) => {
        const info = catalog?.byId.get(n.type);
        const data = {
          type: n.type,
          group: info?.group ?? "unknown",
          summary: paramSummary(n.params),
          status: statuses[n.id] ?? null,
          issues: issues[n.id] ?? [],
          isModel: catalog?.isModel(n.type) ?? false,
          readOnly,
        };
        const size = measured[n.id];
        return {
          id: n.id,
          type: "step",
          position: n.position,
          data,
          selected: selected.includes(n.id),
          ariaLabel: nodeLabel(n.id, data),
          ...(size !== undefined ? { measured: size } : {}),
        };
      }),
    [graph.nodes, catalog, statuses, issues, readOnly, selected, measured],
  );

  const edges = useMemo<Edge[]>(
    () =>
      graph.edges.map((e) => {
        const id = edgeId(e);
        const failed = statuses[e.source] === "failed";
        return {
          id,
          source: e.source,
          target: e.target,
          selected: selectedEdges.includes(id),
          animated: statuses[e.target] === "running",
          className: failed ? "edge-failed" : undefined,
          ariaLabel: `edge from ${e.source} to ${e.target}`,
        };
      }),
    [graph.edges, statuses, selectedEdges],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<StepNodeType>[]) => {
      const positions: Record<string, XY> = {};
      let dragEnded = false;
      let selection: string[] | null = null;
      const sizes: Record<string, Size> = {};
      for (const c of changes) {
        if (c.type === "position" && c.position !== undefined) positions[c.id] = c.position;
        if (c.type === "position" && c.dragging === false) dragEnded = true;
        if (c.type === "dimensions" && c.dimensions !== undefined) sizes[c.id] = c.dimensions;
        if (c.type === "select") {
          selection ??= [...selected];
          selection = c.selected ? [...new Set([...selection, c.id])] : selection.filter((id) => id !== c.id);
        }
      }
      if (Object.keys(sizes).length > 0) setMeasured((m) => ({ ...m, ...sizes }));
      if (!readOnly && Object.keys(positions).length > 0) dispatch({ type: "drag", positions });
      if (dragEnded) dispatch({ type: "dragEnd" });
      if (selection !== null) dispatch({ type: "select", ids: selection });
    },
    [dispatch, readOnly, selected],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      let next: string[] | null = null;
      for (const c of changes) {
        if (c.type !== "select") continue;
        next ??= [...selectedEdges];
        next = c.selected ? [...new Set([...next, c.id])] : next.filter((id) => id !== c.id);
      }
      if (next !== null) onSelectEdges(next);
    },
    [onSelectEdges, selectedEdges],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      if (!readOnly) dispatch({ type: "connect", source: c.source, target: c.target });
    },
    [dispatch, readOnly],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(DRAG_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(DRAG_MIME);
      if (type === "" || readOnly) return;
      event.preventDefault();
      const p = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      // Centre the node under the pointer.
      onDropNode(type, { x: Math.round(p.x - NODE_WIDTH / 2), y: Math.round(p.y - 30) });
    },
    [flow, onDropNode, readOnly],
  );

  return (
    <div className="flow" onDragOver={onDragOver} onDrop={onDrop} data-testid="flow">
      <ReactFlow<StepNodeType>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        isValidConnection={(c) => c.source !== c.target}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        elementsSelectable
        deleteKeyCode={null}
        multiSelectionKeyCode={["Meta", "Control", "Shift"]}
        defaultViewport={{ x: 20, y: 20, zoom: 0.75 }}
        minZoom={0.2}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
        aria-label="Pipeline canvas"
      >
        <Background gap={20} />
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable style={{ width: 150, height: 100 }} ariaLabel="Minimap of the pipeline" nodeClassName={(n) => `minimap-${(n.data as { group?: string }).group ?? "unknown"}`} />
      </ReactFlow>
    </div>
  );
}
