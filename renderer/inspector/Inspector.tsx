import { useTranslation } from 'react-i18next';
import { getNodeSpec } from '../../src/nodes/registry';
import { nodePorts } from '../canvas/NodeView';
import { nodeText } from '../i18n/nodes';
import { GradCheck } from '../stepthrough/GradCheck';
import { useApp } from '../store';
import { useValidation } from '../store/validation';
import { Equation } from './Equation';
import { LabelField, ParamForm } from './ParamForm';

/** The selected node: kind, description, label and params (editable), ports, equation (KaTeX) and problems by port. */
export function Inspector() {
  const { t, i18n } = useTranslation();
  const doc = useApp((s) => s.doc);
  const selectedNodes = useApp((s) => s.selectedNodes);
  const validation = useValidation();
  const node = selectedNodes.length === 1 ? doc.nodes.find((n) => n.id === selectedNodes[0]) : undefined;

  if (node === undefined) {
    return (
      <aside className="inspector" data-testid="inspector" aria-label={t('inspector.label')}>
        <h2>{doc.meta.name}</h2>
        <p className="muted">
          {t('inspector.summary', { nodes: doc.nodes.length, edges: doc.edges.length })}
          {selectedNodes.length > 1 ? ` · ${t('inspector.selected', { count: selectedNodes.length })}` : ''}
        </p>
        {doc.meta.description !== undefined && <p>{doc.meta.description}</p>}
        <p className="muted">{t('inspector.selectHint')}</p>
      </aside>
    );
  }

  const spec = getNodeSpec(node.type);
  const text = spec === undefined ? undefined : nodeText(spec, i18n.language);
  const problems = validation.byNode.get(node.id) ?? [];
  return (
    <aside className="inspector" data-testid="inspector" aria-label={t('inspector.label')}>
      <h2>
        {text?.title ?? node.type} <span className="muted">{node.id}</span>
      </h2>
      <p className="inspector-type" data-testid="inspector-type">
        {node.type} · {spec === undefined ? t('inspector.unknownKind') : t(`category.${spec.category}`)}
      </p>
      {text !== undefined && <p className="description">{text.description}</p>}
      <LabelField key={node.id} node={node} />
      {problems.length > 0 && (
        <>
          <h3>{t('inspector.problems')}</h3>
          <ul className="problems" data-testid="inspector-problems">
            {problems.map((p, i) => (
              <li key={i}>
                {p.port !== undefined && <code className="port-ref">{p.port}</code>} <strong>{t(`problem.${p.code}`, { defaultValue: p.code })}</strong>
                <span className="problem-text">{p.message}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>{t('inspector.parameters')}</h3>
      {spec === undefined ? <p className="muted">{t('inspector.none')}</p> : <ParamForm node={node} spec={spec} />}
      {spec !== undefined && (
        <>
          <h3>{t('inspector.equation')}</h3>
          <Equation latex={spec.equation} />
        </>
      )}
      {node.type !== 'Input' && (
        <>
          <h3>{t('gradcheck.title')}</h3>
          <GradCheck key={node.id} node={node.id} />
        </>
      )}
      <h3>{t('inspector.ports')}</h3>
      <ul className="ports-list">
        {nodePorts(spec, node.params).map((p) => (
          <li key={`${p.direction}-${p.name}`}>
            <code>{p.name}</code> {p.direction === 'in' ? '←' : '→'} {p.roles.join(' | ')}
            {p.optional ? ` (${t('canvas.optional')})` : ''} — {p.description}
          </li>
        ))}
      </ul>
    </aside>
  );
}
