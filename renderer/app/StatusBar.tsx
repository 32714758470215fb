import { useApp } from '../store';
import { useValidation } from '../store/validation';

/** The latest message (a refused edit, a host answer), the graph's problem count, and the history depth. */
export function StatusBar() {
  const last = useApp((s) => s.messages[s.messages.length - 1]);
  const dismiss = useApp((s) => s.dismiss);
  const { problems } = useValidation();
  const graphLevel = problems.filter((p) => p.nodeId === undefined && p.edgeId === undefined);
  const summary = problems.length === 0 ? 'No problems' : `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
  return (
    <footer className="statusbar" role="status" aria-live="polite">
      <span className={`status-message level-${last?.level ?? 'none'}`} data-testid="status-message" title={last?.text}>
        {last === undefined ? 'Drag a node kind from the palette onto the canvas, then connect an output (right) to an input (left).' : last.text}
      </span>
      {last !== undefined && (
        <button type="button" className="link" onClick={() => dismiss(last.id)} aria-label="Dismiss message">
          ×
        </button>
      )}
      <span className="spacer" />
      <span className={`problem-count${problems.length > 0 ? ' has-problems' : ''}`} data-testid="problem-count" title={graphLevel.map((p) => p.message).join('\n') || problems.map((p) => p.message).join('\n')}>
        {summary}
      </span>
    </footer>
  );
}
