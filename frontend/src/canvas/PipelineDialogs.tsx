// The saved-pipeline dialogs: open another pipeline, list and restore versions, start from a
// template. Each is a native modal <dialog> (focus trapped, Escape closes).

import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useEffect, useRef } from "react";
import { Empty, ErrorState, Loading } from "../components/States";
import { type Pipeline, type Template, pipelinesApi } from "./pipelines";

function Modal({ title, onClose, children }: { title: string; onClose(): void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog !== null && !dialog.open) dialog.showModal();
  }, []);
  const titleId = `dialog-${title.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <dialog ref={ref} className="modal" aria-labelledby={titleId} onClose={onClose} onCancel={onClose}>
      <div className="modal-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="ghost" onClick={onClose} aria-label="Close">
          ×
        </button>
      </div>
      <div className="modal-body">{children}</div>
    </dialog>
  );
}

function when(iso: string | null): string {
  if (iso === null) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function OpenDialog({ currentId, onOpen, onClose }: { currentId: string | null; onOpen(p: Pipeline): void; onClose(): void }) {
  const list = useQuery({ queryKey: ["pipelines"], queryFn: () => pipelinesApi.list(100) });
  return (
    <Modal title="Open a pipeline" onClose={onClose}>
      {list.isPending && <Loading what="pipelines" />}
      {list.isError && <ErrorState error={list.error} />}
      {list.data?.pipelines.length === 0 && <Empty>No saved pipeline yet.</Empty>}
      <ul className="pick-list">
        {list.data?.pipelines.map((p) => (
          <li key={p.id}>
            <button type="button" className="pick" disabled={p.id === currentId} onClick={() => onOpen(p)}>
              <strong>{p.name}</strong>
              <span className="muted">
                v{p.version} · {p.graph.nodes.length} nodes · {when(p.updated_at)}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}

export function VersionsDialog({ pipelineId, current, onRestore, onClose }: { pipelineId: string; current: number; onRestore(version: number): void; onClose(): void }) {
  const list = useQuery({ queryKey: ["pipeline-versions", pipelineId, current], queryFn: () => pipelinesApi.versions(pipelineId) });
  return (
    <Modal title="Versions" onClose={onClose}>
      {list.isPending && <Loading what="versions" />}
      {list.isError && <ErrorState error={list.error} />}
      <ul className="pick-list">
        {list.data?.versions.map((v) => (
          <li key={v.version} className="version-row">
            <span>
              <strong>v{v.version}</strong> {v.name} <span className="muted">· {v.graph.nodes.length} nodes · {when(v.created_at)}</span>
            </span>
            {v.version === current ? (
              <span className="badge">current</span>
            ) : (
              <button type="button" onClick={() => onRestore(v.version)} aria-label={`Restore version ${v.version}`}>
                Restore
              </button>
            )}
          </li>
        ))}
      </ul>
    </Modal>
  );
}

export function TemplatesDialog({ onPick, onClose }: { onPick(t: Template): void; onClose(): void }) {
  const list = useQuery({ queryKey: ["pipeline-templates"], queryFn: () => pipelinesApi.templates(), staleTime: Infinity });
  return (
    <Modal title="New from template" onClose={onClose}>
      {list.isPending && <Loading what="templates" />}
      {list.isError && <ErrorState error={list.error} />}
      <ul className="pick-list">
        {list.data?.templates.map((t) => (
          <li key={t.id}>
            <button type="button" className="pick" onClick={() => onPick(t)}>
              <strong>{t.name}</strong>
              <span className="muted">
                {t.task} · {t.graph.nodes.length} nodes — {t.description}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <p className="muted">Templates use placeholder column names (such as “target”): pick your own in each node’s form.</p>
    </Modal>
  );
}
