import { useReactFlow } from '@xyflow/react';
import { useRef, type ChangeEvent } from 'react';
import { createDocument } from '../../src/graph/edits';
import type { AppInfo, ExampleSummary } from '../../src/protocol';
import { useApp } from '../store';
import { openExample, openText, saveDocument } from './hostActions';

export interface ToolbarProps {
  readonly info: AppInfo | undefined;
  readonly examples: readonly ExampleSummary[];
}

/** New / Open / Save / examples, undo / redo, and the theme switch. */
export function Toolbar({ info, examples }: ToolbarProps) {
  const canUndo = useApp((s) => s.past.length > 0);
  const canRedo = useApp((s) => s.future.length > 0);
  const theme = useApp((s) => s.theme);
  const name = useApp((s) => s.doc.meta.name);
  const { fitView } = useReactFlow();
  const fileInput = useRef<HTMLInputElement>(null);

  const fitSoon = (): void => {
    // After the new nodes are rendered and measured.
    setTimeout(() => void fitView({ padding: 0.12, maxZoom: 1.2, duration: 200 }), 50);
  };

  const onFile = async (e: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file === undefined) return;
    if (await openText(await file.text(), file.name)) fitSoon();
  };

  const onExample = async (e: ChangeEvent<HTMLSelectElement>): Promise<void> => {
    const example = examples.find((x) => x.id === e.target.value);
    e.target.value = '';
    if (example !== undefined && (await openExample(example.id, example.title))) fitSoon();
  };

  return (
    <header className="toolbar" role="toolbar" aria-label="Document">
      <span className="brand" data-testid="app-info" title={info === undefined ? 'not connected to a host' : `${info.name} ${info.version}, ${info.host} host`}>
        Unroll{info !== undefined && <span className="muted"> {info.version} · {info.host}</span>}
      </span>
      <span className="doc-name" data-testid="doc-name">
        {name}
      </span>
      <span className="spacer" />
      <button type="button" onClick={() => useApp.getState().load(createDocument('Untitled'))} title="Start a new, empty graph">
        New
      </button>
      <button type="button" onClick={() => fileInput.current?.click()} title="Open a *.unroll.json file">
        Open…
      </button>
      <input ref={fileInput} type="file" accept=".json,application/json" hidden onChange={(e) => void onFile(e)} data-testid="open-file" />
      <button type="button" onClick={() => void saveDocument(useApp.getState().doc)} data-testid="save" title="Save the graph as *.unroll.json">
        Save
      </button>
      <select aria-label="Open an example" defaultValue="" onChange={(e) => void onExample(e)} data-testid="examples" disabled={examples.length === 0}>
        <option value="" disabled>
          Examples…
        </option>
        {examples.map((x) => (
          <option key={x.id} value={x.id} title={x.description}>
            {x.title}
          </option>
        ))}
      </select>
      <span className="separator" />
      <button type="button" disabled={!canUndo} onClick={() => useApp.getState().undo()} data-testid="undo" title="Undo (Ctrl+Z)">
        Undo
      </button>
      <button type="button" disabled={!canRedo} onClick={() => useApp.getState().redo()} data-testid="redo" title="Redo (Ctrl+Shift+Z or Ctrl+Y)">
        Redo
      </button>
      <button type="button" onClick={() => useApp.getState().setTheme(theme === 'light' ? 'dark' : 'light')} title="Switch between light and dark">
        {theme === 'light' ? 'Dark' : 'Light'}
      </button>
    </header>
  );
}
