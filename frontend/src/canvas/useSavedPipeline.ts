// The pipeline as a saved document: loading the one in the URL (or the last one opened), saving
// on Ctrl+S, a debounced autosave of every change, versions restore, and a last-chance save when
// the tab closes. A new pipeline is created on its first save; the URL then names it.

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { Autosaver, type SaveState } from "./autosave";
import type { EditorAction } from "./editor";
import { type ApiGraphIn, type CanvasGraph, EMPTY_GRAPH, fromApiGraph, toApiGraph, toLayout } from "./graph";
import { autoLayout } from "./layout";
import { type Pipeline, type PipelineDraft, type Template, pipelinesApi, rememberPipeline } from "./pipelines";

export const AUTOSAVE_MS = 1500;
export const DEFAULT_NAME = "Untitled pipeline";

export type PipelineMeta = { id: string | null; name: string; description: string; version: number | null; datasetId: string | null };

/** A graph from the server, laid out when it carries no positions (templates, job graphs). */
export function graphFromServer(p: { graph: ApiGraphIn; layout?: Record<string, unknown> | null }): CanvasGraph {
  const layout = p.layout ?? {};
  const g = fromApiGraph(p.graph, layout, () => ({ x: 0, y: 0 }));
  const missing = p.graph.nodes.some((n) => layout[n.id] === undefined);
  return missing ? { ...g, nodes: g.nodes.map((n) => ({ ...n, position: autoLayout(g)[n.id] ?? n.position })) } : g;
}

export function draftOf(meta: PipelineMeta, graph: CanvasGraph): PipelineDraft {
  return { name: meta.name.trim() || DEFAULT_NAME, description: meta.description, dataset_id: meta.datasetId, graph: toApiGraph(graph), layout: toLayout(graph) };
}

type Options = {
  routeId: string | null;
  isNew: boolean;
  initialDataset: string | null;
  graph: CanvasGraph;
  dispatch(action: EditorAction): void;
  enabled: boolean;
};

export function useSavedPipeline({ routeId, isNew, initialDataset, graph, dispatch, enabled }: Options) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [meta, setMeta] = useState<PipelineMeta>({ id: null, name: DEFAULT_NAME, description: "", version: null, datasetId: initialDataset });
  const [saveState, setSaveState] = useState<SaveState>("idle");
  const [saveError, setSaveError] = useState<unknown>(null);
  const metaRef = useRef(meta);
  metaRef.current = meta;
  // The id whose graph is in the editor, and the draft the server holds for it.
  const loadedId = useRef<string | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const baseline = useRef<string>(JSON.stringify(draftOf(meta, EMPTY_GRAPH)));

  const adopt = useCallback(
    (p: Pipeline, reloadGraph: boolean) => {
      const g = reloadGraph ? graphFromServer(p) : null;
      if (g !== null) dispatch({ type: "load", graph: g });
      const next: PipelineMeta = { id: p.id, name: p.name, description: p.description, version: p.version, datasetId: p.dataset_id ?? metaRef.current.datasetId };
      metaRef.current = next;
      setMeta(next);
      loadedId.current = p.id;
      if (g !== null) baseline.current = JSON.stringify(draftOf(next, g));
      rememberPipeline(p.id);
      queryClient.setQueryData(["pipeline", p.id], p);
    },
    [dispatch, queryClient],
  );

  const save = useCallback(
    async (draft: PipelineDraft) => {
      const id = metaRef.current.id;
      const saved = id === null ? await pipelinesApi.create(draft) : await pipelinesApi.update(id, draft);
      baseline.current = JSON.stringify(draft);
      adopt(saved, false);
      void queryClient.invalidateQueries({ queryKey: ["pipelines"] });
      // A save that finishes after the person left the canvas must not pull them back.
      if (id === null && mounted.current) navigate(`/canvas/${saved.id}`, { replace: true });
    },
    [adopt, navigate, queryClient],
  );

  const saver = useMemo(
    () =>
      new Autosaver<PipelineDraft>((d) => save(d), AUTOSAVE_MS, (state, error) => {
        setSaveState(state);
        setSaveError(error);
      }),
    [save],
  );

  // Load the pipeline the URL names (unless it is the one already in the editor).
  const loading = useQuery({
    queryKey: ["pipeline", routeId],
    enabled: enabled && routeId !== null && routeId !== loadedId.current,
    queryFn: () => pipelinesApi.get(routeId as string),
    retry: false,
  });
  useEffect(() => {
    if (loading.data !== undefined && loading.data.id === routeId && loadedId.current !== routeId) {
      saver.cancel();
      adopt(loading.data, true);
    }
  }, [loading.data, routeId, adopt, saver]);
  useEffect(() => {
    if (loading.isError) rememberPipeline(null);
  }, [loading.isError]);

  // A blank pipeline (`?new`), e.g. after "New" or "New from template".
  useEffect(() => {
    if (!isNew || routeId !== null || loadedId.current === "new") return;
    saver.cancel();
    loadedId.current = "new";
    const next: PipelineMeta = { id: null, name: DEFAULT_NAME, description: "", version: null, datasetId: metaRef.current.datasetId ?? initialDataset };
    metaRef.current = next;
    setMeta(next);
    dispatch({ type: "load", graph: EMPTY_GRAPH });
    baseline.current = JSON.stringify(draftOf(next, EMPTY_GRAPH));
  }, [isNew, routeId, dispatch, initialDataset, saver]);

  // Every change that differs from what the server holds is autosaved.
  const draft = useMemo(() => draftOf(meta, graph), [meta, graph]);
  const draftKey = JSON.stringify(draft);
  useEffect(() => {
    if (!enabled || draftKey === baseline.current) return;
    if (meta.id === null && graph.nodes.length === 0) return;
    if (meta.id !== null && meta.id !== loadedId.current) return;
    saver.schedule(draft);
  }, [draftKey, draft, enabled, graph.nodes.length, meta.id, saver]);

  const graphRef = useRef(graph);
  graphRef.current = graph;

  // Leaving the canvas for another page: save what is pending now, not after the delay.
  useEffect(() => () => void saver.flush().catch(() => {}), [saver]);

  // Closing the tab: send what is pending in a request that outlives the page.
  useEffect(() => {
    const onHide = () => {
      const id = metaRef.current.id;
      if (!saver.hasPending || id === null) return;
      saver.cancel();
      void pipelinesApi.update(id, draftOf(metaRef.current, graphRef.current), true).catch(() => {});
    };
    window.addEventListener("pagehide", onHide);
    return () => window.removeEventListener("pagehide", onHide);
  }, [saver]);

  const saveNow = useCallback(async () => {
    saver.schedule(draftOf(metaRef.current, graphRef.current));
    await saver.flush();
  }, [saver]);

  const restore = useCallback(
    async (version: number) => {
      const id = metaRef.current.id;
      if (id === null) return;
      await saver.flush();
      saver.cancel();
      adopt(await pipelinesApi.restore(id, version), true);
      void queryClient.invalidateQueries({ queryKey: ["pipeline-versions", id] });
    },
    [adopt, queryClient, saver],
  );

  const startFromTemplate = useCallback(
    (t: Template) => {
      void saver.flush().finally(() => {
        saver.cancel();
        const next: PipelineMeta = { id: null, name: t.name, description: t.description, version: null, datasetId: metaRef.current.datasetId };
        metaRef.current = next;
        setMeta(next);
        loadedId.current = "new";
        baseline.current = JSON.stringify(draftOf(next, EMPTY_GRAPH));
        dispatch({ type: "load", graph: graphFromServer(t) });
        navigate("/canvas?new=1");
      });
    },
    [dispatch, navigate, saver],
  );

  const startNew = useCallback(() => {
    void saver.flush().finally(() => {
      loadedId.current = null;
      navigate("/canvas?new=1");
    });
  }, [navigate, saver]);

  const open = useCallback(
    (id: string) => {
      void saver.flush().finally(() => navigate(`/canvas/${id}`));
    },
    [navigate, saver],
  );

  return {
    meta,
    setName: (name: string) => setMeta((m) => ({ ...m, name })),
    setDataset: (datasetId: string | null) => setMeta((m) => ({ ...m, datasetId })),
    saveState,
    saveError,
    saveNow,
    restore,
    startFromTemplate,
    startNew,
    open,
    loadError: loading.error as unknown,
    loadingPipeline: routeId !== null && routeId !== loadedId.current && loading.isPending,
  };
}
