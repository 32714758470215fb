import { getNodeSpec } from '../../src/nodes/registry';
import { nodePorts } from '../canvas/NodeView';
import { useApp } from '../store';
import { useValidation } from '../store/validation';

function formatValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Shows the selected node: kind, description, params, ports, equation (LaTeX source) and problems. */
export function Inspector() {
  const doc = useApp((s) => s.doc);
  const selectedNodes = useApp((s) => s.selectedNodes);
  const validation = useValidation();
  const node = selectedNodes.length === 1 ? doc.nodes.find((n) => n.id === selectedNodes[0]) : undefined;

  if (node === undefined) {
    return (
      <aside className="inspector" data-testid="inspector" aria-label="Inspector">
        <h2>{doc.meta.name}</h2>
        <p className="muted">
          {doc.nodes.length} node{doc.nodes.length === 1 ? '' : 's'}, {doc.edges.length} edge{doc.edges.length === 1 ? '' : 's'}
          {selectedNodes.length > 1 ? ` · ${selectedNodes.length} selected` : ''}
        </p>
        {doc.meta.description !== undefined && <p>{doc.meta.description}</p>}
        <p className="muted">Select a node to see its kind, parameters and equation.</p>
      </aside>
    );
  }

  const spec = getNodeSpec(node.type);
  const parsed = spec?.params.safeParse(node.params);
  const params: Record<string, unknown> = parsed?.success ? (parsed.data as Record<string, unknown>) : node.params;
  const problems = validation.byNode.get(node.id) ?? [];
  return (
    <aside className="inspector" data-testid="inspector" aria-label="Inspector">
      <h2>
        {spec?.title ?? node.type} <span className="muted">{node.id}</span>
      </h2>
      <p className="inspector-type" data-testid="inspector-type">
        {node.type} · {spec?.category ?? 'unknown kind'}
      </p>
      {spec !== undefined && <p>{spec.description}</p>}
      <h3>Parameters</h3>
      {Object.keys(params).length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <dl className="params" data-testid="inspector-params">
          {Object.entries(params).map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{formatValue(v)}</dd>
            </div>
          ))}
        </dl>
      )}
      <h3>Ports</h3>
      <ul className="ports-list">
        {nodePorts(spec, node.params).map((p) => (
          <li key={`${p.direction}-${p.name}`}>
            <code>{p.name}</code> {p.direction === 'in' ? '←' : '→'} {p.roles.join(' | ')}
            {p.optional ? ' (optional)' : ''} — {p.description}
          </li>
        ))}
      </ul>
      {spec !== undefined && (
        <>
          <h3>Equation</h3>
          <pre className="equation" data-testid="inspector-equation">
            {spec.equation}
          </pre>
        </>
      )}
      {problems.length > 0 && (
        <>
          <h3>Problems</h3>
          <ul className="problems" data-testid="inspector-problems">
            {problems.map((p, i) => (
              <li key={i}>
                {p.port !== undefined && <code>{p.port}</code>} {p.message}
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}
