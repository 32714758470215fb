import { useMemo, useState, type DragEvent, type KeyboardEvent } from 'react';
import { NODE_SPECS } from '../../src/nodes/registry';
import type { NodeCategory, NodeSpec } from '../../src/nodes/types';
import { NODE_DRAG_TYPE } from '../canvas/Canvas';

const CATEGORY_TITLES: Readonly<Record<NodeCategory, string>> = {
  input: 'Inputs',
  primitive: 'Primitives',
  activation: 'Activations',
  cell: 'Cells',
  attention: 'Attention',
  output: 'Outputs',
  loss: 'Losses',
  structure: 'Structure',
};

function matches(spec: NodeSpec<any>, query: string): boolean {
  if (query === '') return true;
  const q = query.toLowerCase();
  return spec.type.toLowerCase().includes(q) || spec.title.toLowerCase().includes(q) || spec.description.toLowerCase().includes(q) || spec.category.includes(q);
}

/** Node kinds grouped by category, in registry order within each group. */
export function groupSpecs(specs: readonly NodeSpec<any>[], query: string): [NodeCategory, NodeSpec<any>[]][] {
  const groups = new Map<NodeCategory, NodeSpec<any>[]>();
  for (const s of specs) {
    if (!matches(s, query)) continue;
    const list = groups.get(s.category);
    if (list === undefined) groups.set(s.category, [s]);
    else list.push(s);
  }
  return [...groups];
}

export interface PaletteProps {
  /** Adds a node of this kind in the middle of the visible canvas (double-click or Enter). */
  onAdd(type: string): void;
}

/** The node kinds of the registry: drag one onto the canvas, or double-click / press Enter on it. */
export function Palette({ onAdd }: PaletteProps) {
  const [query, setQuery] = useState('');
  const groups = useMemo(() => groupSpecs(NODE_SPECS, query.trim()), [query]);

  const onDragStart = (e: DragEvent, type: string): void => {
    e.dataTransfer.setData(NODE_DRAG_TYPE, type);
    e.dataTransfer.setData('text/plain', type);
    e.dataTransfer.effectAllowed = 'copy';
  };
  const onKeyDown = (e: KeyboardEvent, type: string): void => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onAdd(type);
    }
  };

  return (
    <aside className="palette" data-testid="palette" aria-label="Node palette">
      <input
        className="palette-search"
        type="search"
        placeholder="Search nodes…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        data-testid="palette-search"
        aria-label="Search node kinds"
      />
      {groups.length === 0 && <p className="palette-empty">No node kind matches “{query}”.</p>}
      {groups.map(([category, specs]) => (
        <section key={category} className="palette-group" aria-label={CATEGORY_TITLES[category]}>
          <h3>{CATEGORY_TITLES[category]}</h3>
          <ul role="list">
            {specs.map((s) => (
              <li
                key={s.type}
                className={`palette-item category-${s.category}`}
                draggable
                tabIndex={0}
                role="button"
                title={`${s.description}\n\nDrag onto the canvas, or double-click / press Enter to add.`}
                data-testid={`palette-item-${s.type}`}
                onDragStart={(e) => onDragStart(e, s.type)}
                onDoubleClick={() => onAdd(s.type)}
                onKeyDown={(e) => onKeyDown(e, s.type)}
              >
                <span className="palette-item-title">{s.title}</span>
                <span className="palette-item-type">{s.type}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </aside>
  );
}
