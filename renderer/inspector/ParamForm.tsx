import { useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { GraphNode } from '../../src/graph/document';
import type { NodeSpec } from '../../src/nodes/types';
import { paramLabel } from '../i18n/nodes';
import { setLabel, setParam } from '../store/actions';
import { formatFieldValue, paramFields, parseFieldInput, type ParamField } from './paramFields';

/** A typed value that was not applied, and why (the edit's refusal, or why the text is not a value). */
interface Refusal {
  readonly text: string;
  readonly message: string;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** One param: its input, its default, and the refusal of the last change beside it. */
function Field({ node, field, value }: { node: GraphNode; field: ParamField; value: unknown }) {
  const { t, i18n } = useTranslation();
  const shown = formatFieldValue(field, value);
  const [draft, setDraft] = useState<string | undefined>();
  const [refusal, setRefusal] = useState<Refusal | undefined>();
  const id = `param-${node.id}-${field.name}`;

  const commit = (next: unknown, text: string): void => {
    const r = setParam(node.id, field.name, next);
    if (r.ok) {
      setRefusal(undefined);
      setDraft(undefined);
    } else setRefusal({ text, message: r.message });
  };
  const commitText = (text: string): void => {
    if (text === shown && refusal === undefined) {
      setDraft(undefined);
      return;
    }
    const parsed = parseFieldInput(field, text);
    if (!parsed.ok) setRefusal({ text, message: t(`inspector.${parsed.error}`) });
    else commit(parsed.value, text);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') commitText(e.currentTarget.value);
    else if (e.key === 'Escape') {
      setDraft(undefined);
      setRefusal(undefined);
    }
  };

  let input;
  if (field.kind === 'boolean') {
    input = <input id={id} type="checkbox" checked={value === true} onChange={(e) => commit(e.target.checked, String(e.target.checked))} data-testid={`param-${field.name}`} />;
  } else if (field.kind === 'enum') {
    input = (
      <select id={id} value={String(value)} onChange={(e) => commit(field.options.find((o) => String(o) === e.target.value), e.target.value)} data-testid={`param-${field.name}`}>
        {field.options.map((o) => (
          <option key={String(o)} value={String(o)}>
            {String(o)}
          </option>
        ))}
      </select>
    );
  } else {
    const range = field.kind === 'number' || field.kind === 'numberList' ? [field.min, field.max] : [undefined, undefined];
    const hint = range[0] !== undefined || range[1] !== undefined ? `${range[0] ?? '−∞'} … ${range[1] ?? '∞'}` : undefined;
    input = (
      <input
        id={id}
        type="text"
        inputMode={field.kind === 'number' ? 'decimal' : undefined}
        className={refusal !== undefined ? 'refused' : undefined}
        value={draft ?? refusal?.text ?? shown}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={(e) => commitText(e.target.value)}
        onKeyDown={onKey}
        title={hint}
        aria-invalid={refusal !== undefined}
        aria-describedby={refusal !== undefined ? `${id}-error` : undefined}
        data-testid={`param-${field.name}`}
      />
    );
  }
  const hasDefault = field.default !== undefined;
  const defaultText = hasDefault ? formatFieldValue(field, field.default) : '';
  return (
    <div className={`param-field${refusal !== undefined ? ' has-refusal' : ''}`}>
      <label htmlFor={id}>
        {paramLabel(field.name, i18n.language)}
        {i18n.language !== 'en' && <code className="param-name">{field.name}</code>}
      </label>
      <div className="param-input">
        {input}
        {hasDefault && !sameValue(value, field.default) && (
          <button type="button" className="link" onClick={() => commit(field.default, defaultText)} title={t('inspector.resetTitle', { value: defaultText })}>
            {t('inspector.reset')}
          </button>
        )}
      </div>
      {hasDefault && <span className="param-default muted">{t('inspector.default', { value: defaultText })}</span>}
      {refusal !== undefined && (
        <span className="param-error" id={`${id}-error`} role="alert" data-testid={`param-error-${field.name}`}>
          {refusal.message}
        </span>
      )}
    </div>
  );
}

/** The params form of a node, generated from its kind's zod schema; each change is one setParam edit. */
export function ParamForm({ node, spec }: { node: GraphNode; spec: NodeSpec<any> }) {
  const { t } = useTranslation();
  const fields = paramFields(spec.params, node.params);
  if (fields.length === 0) return <p className="muted">{t('inspector.none')}</p>;
  return (
    <div className="params" data-testid="inspector-params">
      {fields.map((f) => (
        <Field key={`${node.id}:${f.name}:${JSON.stringify(node.params[f.name])}`} node={node} field={f} value={node.params[f.name] ?? f.default} />
      ))}
    </div>
  );
}

/** The node's label; blank removes it (the kind's title shows). One setLabel edit per change. */
export function LabelField({ node }: { node: GraphNode }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const commit = (text: string): void => {
    const r = setLabel(node.id, text);
    setDraft(undefined);
    setError(r.ok ? undefined : r.message);
  };
  return (
    <div className="param-field">
      <label htmlFor={`label-${node.id}`}>{t('inspector.nodeLabel')}</label>
      <input
        id={`label-${node.id}`}
        type="text"
        maxLength={200}
        value={draft ?? node.label ?? ''}
        placeholder={t('inspector.labelPlaceholder')}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={(e) => commit(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit(e.currentTarget.value);
          else if (e.key === 'Escape') setDraft(undefined);
        }}
        data-testid="inspector-label"
      />
      {error !== undefined && (
        <span className="param-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
