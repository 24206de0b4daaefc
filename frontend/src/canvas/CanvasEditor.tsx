// The pipeline editor: palette, canvas and side panel around one editor state (graph + history),
// saved as a versioned pipeline, validated as it changes, and run from the Run tab.

import { useReactFlow } from "@xyflow/react";
import { useCallback, useMemo, useReducer, useRef, useState } from "react";
import { ErrorState, Loading } from "../components/States";
import { type Clipboard, copySelection, editorReducer, initEditor } from "./editor";
import { FIT, FlowCanvas } from "./FlowCanvas";
import { type XY, ancestorsOf, fromApiGraph, newNodeId, toApiGraph } from "./graph";
import { canRedo, canUndo } from "./history";
import { NodeInspector } from "./NodeInspector";
import { Palette } from "./Palette";
import { OpenDialog, TemplatesDialog, VersionsDialog } from "./PipelineDialogs";
import { AdvisorPanel, PreviewPanel, ProblemsList, RunPanel } from "./panels";
import type { SuggestedPipeline } from "./panels/AdvisorPanel";
import { SPLITTER_TYPE, clickAnchor, spotFor, suggestedAnchor } from "./placement";
import { type GraphIssue, useCatalog, useDatasets, useInputColumns, useValidation } from "./queries";
import { useShortcuts } from "./shortcuts";
import type { NodeStatus } from "./StepNode";
import { useSavedPipeline } from "./useSavedPipeline";

type Props = { routeId: string | null; isNew: boolean; initialDataset: string | null };
const TABS = ["node", "problems", "advisor", "run"] as const;
type Tab = (typeof TABS)[number];
type Dialog = "open" | "versions" | "templates" | null;

const SAVE_TEXT = { idle: "Saved", pending: "Unsaved changes", saving: "Saving…", saved: "All changes saved", error: "Save failed" } as const;

export function CanvasEditor({ routeId, isNew, initialDataset }: Props) {
  const flow = useReactFlow();
  const catalog = useCatalog();
  const datasets = useDatasets();
  const [state, dispatch] = useReducer(editorReducer, undefined, () => initEditor());
  const graph = state.history.present;
  const doc = useSavedPipeline({ routeId, isNew, initialDataset, graph, dispatch, enabled: true });
  const datasetId = doc.meta.datasetId;
  const ready = useMemo(() => (datasets.data ?? []).filter((d) => d.status === "READY"), [datasets.data]);
  const dataset = ready.find((d) => d.id === datasetId);

  const [tab, setTabState] = useState<Tab>("node");
  // A panel mounts the first time it is shown and then stays (a running job keeps streaming).
  const [opened, setOpened] = useState<Set<Tab>>(() => new Set(["node", "run"]));
  const setTab = useCallback((t: Tab) => {
    setTabState(t);
    setOpened((o) => (o.has(t) ? o : new Set([...o, t])));
  }, []);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [selectedEdges, setSelectedEdges] = useState<string[]>([]);
  const [statuses, setStatuses] = useState<Record<string, NodeStatus>>({});
  const [focusField, setFocusField] = useState<string | undefined>(undefined);
  const clipboard = useRef<Clipboard | null>(null);

  const apiGraph = useMemo(() => toApiGraph(graph), [graph]);
  const validation = useValidation(datasetId, apiGraph, catalog.isSuccess);
  const issues: GraphIssue[] = validation.data?.errors ?? [];
  const issuesByNode = useMemo(() => {
    const out: Record<string, string[]> = {};
    for (const i of issues) if (i.node_id !== null) (out[i.node_id] ??= []).push(i.message);
    return out;
  }, [issues]);

  const selectedNode = state.selected.length === 1 ? graph.nodes.find((n) => n.id === state.selected[0]) : undefined;
  // A preview runs the graph up to the node: a problem there (leakage, a bad parameter) would
  // only come back as the same error, so the preview waits until it is fixed.
  const previewBlocked = useMemo(() => {
    if (selectedNode === undefined) return null;
    const upstream = ancestorsOf(graph, selectedNode.id).add(selectedNode.id);
    return issues.find((i) => i.node_id !== null && upstream.has(i.node_id))?.message ?? null;
  }, [graph, issues, selectedNode]);
  const inputs = useInputColumns(datasetId, graph, selectedNode?.id ?? null, dataset);
  const isModel = useCallback((t: string) => catalog.data?.isModel(t) ?? false, [catalog.data]);

  const addNode = useCallback(
    (type: string, position?: XY) => {
      const info = catalog.data?.byId.get(type);
      const id = newNodeId(type, graph.nodes.map((n) => n.id));
      if (position !== undefined) {
        dispatch({ type: "add", node: { id, type, params: {}, position } });
      } else {
        const anchor = clickAnchor(graph, state.selected, info?.group === "model", isModel);
        const before = anchor.before === null ? undefined : graph.edges.find((e) => e.target === anchor.before)?.source;
        // Spliced in before a node, it needs room: "insert" lays the graph out in the same step.
        const node = { id, type, params: {}, position: spotFor(graph, anchor.after ?? before ?? null) };
        dispatch({ type: anchor.before !== null ? "insert" : "add", node, ...anchor });
      }
      setTab("node");
      setFocusField(undefined);
    },
    [catalog.data, graph, isModel, state.selected],
  );

  const removeSelection = useCallback(() => {
    if (state.selected.length === 0 && selectedEdges.length === 0) return;
    dispatch({ type: "remove", nodes: state.selected, edges: selectedEdges });
    setSelectedEdges([]);
  }, [selectedEdges, state.selected]);

  useShortcuts(
    {
      remove: removeSelection,
      undo: () => dispatch({ type: "undo" }),
      redo: () => dispatch({ type: "redo" }),
      copy: () => {
        if (state.selected.length > 0) clipboard.current = copySelection(graph, state.selected);
      },
      paste: () => {
        if (clipboard.current !== null) dispatch({ type: "paste", clipboard: clipboard.current });
      },
      save: () => void doc.saveNow().catch(() => {}),
    },
    dialog === null,
  );

  const selectProblem = useCallback(
    (nodeId: string | null, field: string | null) => {
      if (nodeId !== null && graph.nodes.some((n) => n.id === nodeId)) {
        dispatch({ type: "select", ids: [nodeId] });
        const node = graph.nodes.find((n) => n.id === nodeId);
        if (node !== undefined) void flow.setCenter(node.position.x + 100, node.position.y + 36, { zoom: flow.getZoom(), duration: 200 });
      }
      setFocusField(field ?? undefined);
      setTab("node");
    },
    [flow, graph.nodes],
  );

  const insertSuggested = useCallback(
    (node: { type: string; params: Record<string, unknown> }, learns: boolean) => {
      const id = newNodeId(node.type, graph.nodes.map((n) => n.id));
      const anchor = suggestedAnchor(graph, learns, isModel);
      dispatch({ type: "insert", node: { id, type: node.type, params: { ...node.params }, position: { x: 0, y: 0 } }, ...anchor });
      window.setTimeout(() => void flow.fitView(FIT), 50);
    },
    [flow, graph, isModel],
  );
  const placeSuggested = useCallback(
    (suggested: SuggestedPipeline) => {
      dispatch({ type: "replace", graph: fromApiGraph(suggested.graph, null, () => ({ x: 0, y: 0 })) });
      window.setTimeout(() => void flow.fitView(FIT), 50);
    },
    [flow],
  );
  const splitter = graph.nodes.find((n) => n.type === SPLITTER_TYPE);
  const named = typeof splitter?.params.target_column === "string" ? splitter.params.target_column : null;
  // A template's placeholder target ("target") is not a column yet: the advisor then has none.
  const target = named !== null && dataset?.columns.some((c) => c.name === named) ? named : null;
  // A job names the saved version it ran only when the canvas holds exactly that version.
  const upToDate = doc.saveState === "saved" || doc.saveState === "idle";

  if (catalog.isPending) return <Loading what="the node catalog" />;
  if (catalog.isError) return <ErrorState error={catalog.error} title="Node catalog" />;
  if (doc.loadingPipeline) return <Loading what="the pipeline" />;

  return (
    <div className="canvas-page">
      <div className="canvas-bar" role="toolbar" aria-label="Pipeline">
        <h1 className="canvas-title">Canvas</h1>
        <span className="field-inline">
          <label htmlFor="pipeline-name">Pipeline name</label>
          <input id="pipeline-name" value={doc.meta.name} onChange={(e) => doc.setName(e.target.value)} maxLength={200} />
        </span>
        <span className="field-inline">
          <label htmlFor="pipeline-dataset">Dataset</label>
          <select id="pipeline-dataset" value={datasetId ?? ""} onChange={(e) => doc.setDataset(e.target.value === "" ? null : e.target.value)}>
            <option value="">— choose a dataset —</option>
            {ready.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.n_rows} rows)
              </option>
            ))}
          </select>
        </span>
        <button type="button" onClick={() => void doc.saveNow().catch(() => {})} title="Save (Ctrl+S)">
          Save
        </button>
        <span className={`save-state save-${doc.saveState}`} role="status" aria-live="polite">
          {doc.meta.version !== null && doc.saveState !== "pending" && doc.saveState !== "saving" ? `v${doc.meta.version} · ` : ""}
          {doc.meta.id === null && doc.saveState === "idle" ? "Not saved yet" : SAVE_TEXT[doc.saveState]}
        </span>
        <span className="bar-spacer" />
        <button type="button" className="ghost" onClick={() => setDialog("versions")} disabled={doc.meta.id === null}>
          Versions
        </button>
        <button type="button" className="ghost" onClick={() => setDialog("open")}>
          Open…
        </button>
        <button type="button" className="ghost" onClick={() => setDialog("templates")}>
          New from template
        </button>
        <button type="button" className="ghost" onClick={doc.startNew}>
          New
        </button>
      </div>
      {doc.saveState === "error" && <ErrorState error={doc.saveError} title="Could not save the pipeline" />}
      {doc.loadError !== null && doc.loadError !== undefined && <ErrorState error={doc.loadError} title="Could not open the pipeline" />}

      <div className="canvas-body">
        <Palette nodes={catalog.data.nodes} onAdd={(t) => addNode(t)} />
        <div className="canvas-center">
          <div className="canvas-tools" role="toolbar" aria-label="Canvas tools">
            <button type="button" className="ghost" onClick={() => dispatch({ type: "undo" })} disabled={!canUndo(state.history)} title="Undo (Ctrl+Z)">
              Undo
            </button>
            <button type="button" className="ghost" onClick={() => dispatch({ type: "redo" })} disabled={!canRedo(state.history)} title="Redo (Ctrl+Y)">
              Redo
            </button>
            <button type="button" className="ghost" onClick={removeSelection} disabled={state.selected.length === 0 && selectedEdges.length === 0} title="Delete">
              Delete
            </button>
            <button
              type="button"
              className="ghost"
              onClick={() => {
                dispatch({ type: "layout" });
                window.setTimeout(() => void flow.fitView(FIT), 50);
              }}
              disabled={graph.nodes.length === 0}
            >
              Auto-layout
            </button>
            <button type="button" className="ghost" onClick={() => void flow.fitView(FIT)}>
              Zoom to fit
            </button>
            <span className="muted tools-count">
              {graph.nodes.length} nodes · {issues.length === 0 ? "no problems" : `${issues.length} problem${issues.length > 1 ? "s" : ""}`}
            </span>
          </div>
          <FlowCanvas
            graph={graph}
            selected={state.selected}
            catalog={catalog.data}
            statuses={statuses}
            issues={issuesByNode}
            readOnly={false}
            dispatch={dispatch}
            onDropNode={(type, position) => addNode(type, position)}
            selectedEdges={selectedEdges}
            onSelectEdges={setSelectedEdges}
            fitKey={state.loads}
          />
          {graph.nodes.length === 0 && (
            <p className="canvas-empty muted">Drag a node from the palette, click one to add it, or start from a template.</p>
          )}
        </div>
        <aside className="side" aria-label="Side panel">
          <div role="tablist" aria-label="Side panel" className="tabs">
            {TABS.map((t) => (
              <button
                key={t}
                type="button"
                role="tab"
                id={`tab-${t}`}
                aria-selected={tab === t}
                aria-controls={`panel-${t}`}
                className={tab === t ? "tab active" : "tab"}
                onClick={() => setTab(t)}
              >
                {t === "node" ? "Node" : t === "problems" ? `Problems (${issues.length})` : t === "advisor" ? "Advisor" : "Run"}
              </button>
            ))}
          </div>
          {TABS.map((t) => (
            <div key={t} role="tabpanel" id={`panel-${t}`} aria-labelledby={`tab-${t}`} className="side-body" hidden={tab !== t}>
              {t === "node" &&
                (selectedNode === undefined ? (
                  <p className="muted">Select a node to edit its parameters and preview its output.</p>
                ) : (
                  <NodeInspector
                    node={selectedNode}
                    info={catalog.data.byId.get(selectedNode.type)}
                    columns={inputs.columns}
                    columnsLoading={inputs.loading}
                    columnsError={inputs.error}
                    issues={issues.filter((i) => i.node_id === selectedNode.id)}
                    focusField={focusField}
                    readOnly={false}
                    onChange={(params) => dispatch({ type: "params", id: selectedNode.id, params })}
                  >
                    {datasetId !== null && !catalog.data.isModel(selectedNode.type) && previewBlocked === null && (
                      <PreviewPanel datasetId={datasetId} graph={apiGraph} nodeId={selectedNode.id} />
                    )}
                    {previewBlocked !== null && <p className="muted">No preview until this problem is fixed: {previewBlocked}</p>}
                  </NodeInspector>
                ))}
              {t === "problems" && <ProblemsList issues={issues} onSelect={selectProblem} />}
              {t === "advisor" &&
                opened.has("advisor") &&
                (datasetId === null ? (
                  <p className="muted">Choose a dataset to see the advisor's recommendations.</p>
                ) : (
                  <AdvisorPanel
                    datasetId={datasetId}
                    target={target}
                    columns={(dataset?.columns ?? []).map((c) => c.name)}
                    onInsert={insertSuggested}
                    onSuggest={placeSuggested}
                  />
                ))}
              {t === "run" && (
                <RunPanel
                  datasetId={datasetId}
                  graph={apiGraph}
                  pipelineId={upToDate ? doc.meta.id : null}
                  pipelineVersion={upToDate ? doc.meta.version : null}
                  onNodeStatus={setStatuses}
                  onJob={() => {}}
                />
              )}
            </div>
          ))}
        </aside>
      </div>

      {dialog === "open" && <OpenDialog currentId={doc.meta.id} onOpen={(p) => (setDialog(null), doc.open(p.id))} onClose={() => setDialog(null)} />}
      {dialog === "versions" && doc.meta.id !== null && (
        <VersionsDialog
          pipelineId={doc.meta.id}
          current={doc.meta.version ?? 0}
          onRestore={(v) => void doc.restore(v).then(() => setDialog(null))}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === "templates" && <TemplatesDialog onPick={(t) => (setDialog(null), doc.startFromTemplate(t))} onClose={() => setDialog(null)} />}
    </div>
  );
}
