import { useMemo, useState, type DragEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { NODE_SPECS } from '../../src/nodes/registry';
import type { ExampleSummary } from '../../src/protocol';
import { openExample } from '../app/fileActions';
import type { NodeCategory, NodeSpec } from '../../src/nodes/types';
import { NODE_DRAG_TYPE } from '../canvas/Canvas';
import { exampleText, nodeText } from '../i18n/nodes';
import { useApp } from '../store';

function matches(spec: NodeSpec<any>, query: string, language: string): boolean {
  if (query === '') return true;
  const q = query.toLowerCase();
  const local = nodeText(spec, language);
  return [spec.type, spec.title, spec.description, spec.category, local.title, local.description].some((s) => s.toLowerCase().includes(q));
}

/** Node kinds grouped by category, in registry order within each group (matching the query in English or the UI language). */
export function groupSpecs(specs: readonly NodeSpec<any>[], query: string, language = 'en'): [NodeCategory, NodeSpec<any>[]][] {
  const groups = new Map<NodeCategory, NodeSpec<any>[]>();
  for (const s of specs) {
    if (!matches(s, query, language)) continue;
    const list = groups.get(s.category);
    if (list === undefined) groups.set(s.category, [s]);
    else list.push(s);
  }
  return [...groups];
}

export interface PaletteProps {
  /** Adds a node of this kind in the middle of the visible canvas (double-click or Enter). */
  onAdd(type: string): void;
  /** The templates (the host's examples), listed below the node kinds: one click opens one. */
  readonly templates?: readonly ExampleSummary[];
}

/** The node kinds of the registry: drag one onto the canvas, or double-click / press Enter on it. */
export function Palette({ onAdd, templates = [] }: PaletteProps) {
  const { t, i18n } = useTranslation();
  const [query, setQuery] = useState('');
  const groups = useMemo(() => groupSpecs(NODE_SPECS, query.trim(), i18n.language), [query, i18n.language]);
  const shownTemplates = useMemo(() => {
    const q = query.trim().toLowerCase();
    return templates.map((x) => ({ x, text: exampleText(x, i18n.language) })).filter(({ x, text }) => q === '' || [x.id, text.title, text.description].some((s) => s.toLowerCase().includes(q)));
  }, [templates, query, i18n.language]);

  const onDragStart = (e: DragEvent, type: string): void => {
    e.dataTransfer.setData(NODE_DRAG_TYPE, type);
    e.dataTransfer.setData('text/plain', type);
    e.dataTransfer.effectAllowed = 'copy';
    // The start page makes way for the drop.
    useApp.getState().setStartDismissed(true);
  };
  const onKeyDown = (e: KeyboardEvent, type: string): void => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onAdd(type);
    }
  };

  return (
    <aside className="palette" data-testid="palette" aria-label={t('palette.label')}>
      <input
        className="palette-search"
        type="search"
        placeholder={t('palette.search')}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        data-testid="palette-search"
        aria-label={t('palette.searchLabel')}
      />
      {groups.length === 0 && <p className="palette-empty">{t('palette.empty', { query })}</p>}
      {groups.map(([category, specs]) => (
        <section key={category} className="palette-group" aria-label={t(`category.${category}`)}>
          <h3>{t(`category.${category}`)}</h3>
          <ul role="list">
            {specs.map((s) => {
              const text = nodeText(s, i18n.language);
              return (
                <li
                  key={s.type}
                  className={`palette-item category-${s.category}`}
                  draggable
                  tabIndex={0}
                  role="button"
                  title={`${text.description}\n\n${t('palette.hint')}`}
                  data-testid={`palette-item-${s.type}`}
                  onDragStart={(e) => onDragStart(e, s.type)}
                  onDoubleClick={() => onAdd(s.type)}
                  onKeyDown={(e) => onKeyDown(e, s.type)}
                >
                  <span className="palette-item-title">{text.title}</span>
                  <span className="palette-item-type">{s.type}</span>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
      {shownTemplates.length > 0 && (
        <section className="palette-group palette-templates" aria-label={t('palette.templates')} data-testid="palette-templates">
          <h3>{t('palette.templates')}</h3>
          <ul role="list">
            {shownTemplates.map(({ x, text }) => (
              <li key={x.id}>
                <button type="button" className="palette-item palette-template" title={`${text.description}\n\n${t('palette.templateHint')}`} onClick={() => void openExample(x.id, text.title)} data-testid={`palette-template-${x.id}`}>
                  <span className="palette-item-title">{text.title}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </aside>
  );
}
