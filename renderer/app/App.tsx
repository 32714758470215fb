import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useCallback, useEffect } from 'react';
import { Canvas } from '../canvas/Canvas';
import type { UnrollFlowNode } from '../canvas/NodeView';
import { InferencePanel } from '../inference/InferencePanel';
import { useInference } from '../inference/inferenceStore';
import { Inspector } from '../inspector/Inspector';
import { Palette } from '../palette/Palette';
import { TrainingPanel } from '../training/TrainingPanel';
import { useTraining } from '../training/trainingStore';
import { UnrolledView } from '../unrolled/UnrolledView';
import { useTime } from '../unrolled/viewStore';
import { addNodeAt } from '../store/actions';
import { useApp } from '../store';
import { DialogHost } from './Dialogs';
import { setFlow } from './flow';
import { StartPage } from './StartPage';
import { StatusBar } from './StatusBar';
import { Toolbar } from './Toolbar';
import { useAutosave, useHost, useWindowTitle } from './useHost';
import { useShortcuts } from './useShortcuts';

function Workspace() {
  const theme = useApp((s) => s.theme);
  const training = useTraining((s) => s.open);
  const inference = useInference((s) => s.open);
  const unrolled = useTime((s) => s.view === 'unrolled');
  const flow = useReactFlow<UnrollFlowNode>();
  const { screenToFlowPosition } = flow;
  const host = useHost();
  useShortcuts();
  useAutosave();
  useWindowTitle();
  useEffect(() => {
    setFlow(flow);
    return () => setFlow(undefined);
  }, [flow]);

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
      <main className={`workspace${training ? ' with-training' : ''}`}>
        <Palette onAdd={addAtCentre} templates={host.examples} />
        {unrolled ? (
          <UnrolledView />
        ) : (
          <Canvas>
            <StartPage examples={host.examples} />
          </Canvas>
        )}
        <Inspector />
        {training && <TrainingPanel />}
        {inference && <InferencePanel />}
      </main>
      <StatusBar />
      <DialogHost version={host.info?.version} />
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
