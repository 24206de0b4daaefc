import { useEffect, useState } from "react";
import { errorMessage, groupNodes, type JsonSchema, type NodeSpec, type SkyulfApi } from "../api";

export function NodeCatalogPanel({ client }: { client: SkyulfApi }) {
  const [nodes, setNodes] = useState<NodeSpec[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    client
      .listNodes(controller.signal)
      .then((catalog) => setNodes(catalog.nodes))
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setError(errorMessage(err));
      });
    return () => controller.abort();
  }, [client]);

  return (
    <section className="panel panel-wide" aria-labelledby="nodes-title">
      <div className="panel-head">
        <h2 id="nodes-title">Node catalog</h2>
        {nodes !== null && <span className="muted">{nodes.length} nodes</span>}
      </div>
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {nodes === null && error === null && <p className="muted">Loading…</p>}
      {nodes !== null && nodes.length === 0 && <p className="muted">No nodes are registered.</p>}
      {nodes !== null &&
        groupNodes(nodes).map(([group, members]) => (
          <div key={group} className="node-group">
            <h3>{group}</h3>
            <ul className="nodes">
              {members.map((node) => (
                <NodeItem key={node.id} node={node} />
              ))}
            </ul>
          </div>
        ))}
    </section>
  );
}

function NodeItem({ node }: { node: NodeSpec }) {
  const params = Object.entries(node.params_schema.properties ?? {});
  const required = new Set(node.params_schema.required ?? []);
  return (
    <li className="node">
      <div className="node-title">
        <code>{node.id}</code>
        {node.learns && (
          <span className="tag" title="Learns statistics from the training split">
            learns
          </span>
        )}
        {node.train_only && (
          <span className="tag" title="Applied to training data only, skipped at inference">
            train only
          </span>
        )}
      </div>
      <p>{node.description}</p>
      {params.length > 0 && (
        <details>
          <summary>{params.length === 1 ? "1 parameter" : `${params.length} parameters`}</summary>
          <dl className="params">
            {params.map(([name, schema]) => (
              <div key={name}>
                <dt>
                  {name}
                  {required.has(name) && <span aria-label="required">*</span>}
                </dt>
                <dd>{describeParam(schema)}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </li>
  );
}

function describeParam(schema: JsonSchema): string {
  const parts: string[] = [];
  if (schema.enum) parts.push(`one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`);
  else if (schema.type) parts.push(Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  if (schema.description) parts.push(schema.description);
  return parts.join(" · ") || "any";
}
