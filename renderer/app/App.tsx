import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useState } from 'react';
import type { AppInfo, ExampleSummary } from '../../src/protocol';
import { Canvas } from '../canvas/Canvas';
import { getHost } from '../host';
import { Inspector } from '../inspector/Inspector';
import { Palette } from '../palette/Palette';
import { addNodeAt } from '../store/actions';
import { useApp } from '../store';
import { StatusBar } from './StatusBar';
import { Toolbar } from './Toolbar';
import { useShortcuts } from './useShortcuts';

/** Asks the host who it is and which examples it has; listens to its notices. */
function useHost(): { info: AppInfo | undefined; examples: readonly ExampleSummary[] } {
  const [info, setInfo] = useState<AppInfo>();
  const [examples, setExamples] = useState<readonly ExampleSummary[]>([]);
  useEffect(() => {
    const host = getHost();
    const { notify } = useApp.getState();
    if (host === null) {
      notify('warning', 'Not connected to an Unroll host: editing works, but opening, saving and examples need the address the web host printed (it carries the access token).', 'no-host');
      return;
    }
    void host.call('app.info', {}).then((r) => (r.ok ? setInfo(r.result) : notify('error', `Host: ${r.error.message}`, r.error.code)));
    void host.call('examples.list', {}).then((r) => (r.ok ? setExamples(r.result.examples) : notify('error', `Examples: ${r.error.message}`, r.error.code)));
    return host.onEvent((e) => {
      if (e.name === 'host.notice') notify(e.payload.level, e.payload.message);
    });
  }, []);
  return { info, examples };
}

function Workspace() {
  const theme = useApp((s) => s.theme);
  const { screenToFlowPosition } = useReactFlow();
  const host = useHost();
  useShortcuts();

  /** Keyboard and double-click adding: in the middle of the visible canvas, staggered so nodes do not stack. */
  const addAtCentre = useCallback(
    (type: string) => {
      const rect = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
      if (rect === undefined) return;
      const centre = screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 });
      const k = useApp.getState().doc.nodes.length % 6;
      addNodeAt(type, { x: centre.x - 80 + k * 24, y: centre.y - 40 + k * 24 });
    },
    [screenToFlowPosition],
  );

  return (
    <div className={`app theme-${theme}`} data-theme={theme}>
      <Toolbar info={host.info} examples={host.examples} />
      <main className="workspace">
        <Palette onAdd={addAtCentre} />
        <Canvas />
        <Inspector />
      </main>
      <StatusBar />
    </div>
  );
}

export function App() {
  return (
    <ReactFlowProvider>
      <Workspace />
    </ReactFlowProvider>
  );
}
