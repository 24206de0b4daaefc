// The node palette: the catalog by group, with search. Drag an entry onto the canvas, or click
// it (or press Enter) to add it after the selected node.

import { type DragEvent, useMemo, useState } from "react";
import type { NodeInfo } from "./queries";

export const DRAG_MIME = "application/x-skyulf-node";

type Props = { nodes: NodeInfo[]; onAdd(type: string): void; disabled?: boolean };

/** The order a pipeline is usually built in; groups the catalog adds later come after these. */
export const GROUP_ORDER = [
  "cleaning",
  "missing",
  "splitting",
  "encoding",
  "scaling",
  "outliers",
  "transform",
  "binning",
  "features",
  "timeseries",
  "text",
  "geo",
  "selection",
  "resampling",
  "model",
];

export function groupCatalog(nodes: NodeInfo[], query: string): [string, NodeInfo[]][] {
  const q = query.trim().toLowerCase();
  const groups = new Map<string, NodeInfo[]>();
  for (const n of nodes) {
    const hit = q === "" || n.id.toLowerCase().includes(q) || n.group.toLowerCase().includes(q) || n.description.toLowerCase().includes(q);
    if (!hit) continue;
    const list = groups.get(n.group) ?? [];
    list.push(n);
    groups.set(n.group, list);
  }
  const rank = (g: string) => (GROUP_ORDER.includes(g) ? GROUP_ORDER.indexOf(g) : GROUP_ORDER.length);
  return [...groups.entries()].sort(([a], [b]) => rank(a) - rank(b));
}

export function Palette({ nodes, onAdd, disabled = false }: Props) {
  const [query, setQuery] = useState("");
  const groups = useMemo(() => groupCatalog(nodes, query), [nodes, query]);

  const onDragStart = (event: DragEvent<HTMLButtonElement>, type: string) => {
    event.dataTransfer.setData(DRAG_MIME, type);
    event.dataTransfer.setData("text/plain", type);
    event.dataTransfer.effectAllowed = "copy";
  };

  return (
    <nav className="palette" aria-label="Node palette">
      <input
        type="search"
        className="palette-search"
        placeholder="Search nodes"
        aria-label="Search nodes"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <div className="palette-groups">
        {groups.length === 0 && <p className="muted">No node matches “{query}”.</p>}
        {groups.map(([group, items]) => (
          <section key={group} className="palette-group" aria-labelledby={`palette-${group}`}>
            <h2 id={`palette-${group}`} className={`palette-group-title group-${group}`}>
              {group}
            </h2>
            <ul>
              {items.map((n) => (
                <li key={n.id}>
                  <button
                    type="button"
                    className={`palette-item group-${n.group}`}
                    draggable={!disabled}
                    disabled={disabled}
                    title={`${n.description}${n.learns && n.group !== "model" ? " (fit: learns from the training rows)" : ""}`}
                    data-node-type={n.id}
                    onDragStart={(e) => onDragStart(e, n.id)}
                    onClick={() => onAdd(n.id)}
                  >
                    <span className="palette-item-name">{n.id}</span>
                    {n.learns && n.group !== "model" && (
                      <span className="palette-item-learns" aria-hidden="true">
                        fit
                      </span>
                    )}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </nav>
  );
}
