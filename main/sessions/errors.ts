/**
 * A training session's errors as protocol errors (code `session`): the message names the thing,
 * `path` the field of the `session.start` payload to fix, `details` every problem (a graph that does
 * not compile lists each node).
 */
import type { ProtocolError } from '../../src/protocol';
import type { SessionError } from '../../src/training';

/** `training.optimizer.lr` (a detail's `where`) → the payload field `config.optimizer.lr`; task fields go to `task`/`taskParams`. */
function payloadPath(e: SessionError): string | undefined {
  const where = e.details[0]?.where;
  switch (e.code) {
    case 'session-bad-config': {
      if (where === undefined) return 'config';
      const field = where.replace(/^training\./, '');
      return field.startsWith('task') ? field : `config.${field}`;
    }
    case 'session-no-data':
      return 'task';
    case 'session-compile':
    case 'session-no-loss':
    case 'session-data-mismatch':
      return 'doc';
    case 'session-weights':
      return 'doc.weights';
    default:
      return undefined;
  }
}

export function sessionErrorToProtocol(e: SessionError): ProtocolError {
  const path = payloadPath(e);
  const details = e.details.map((d) => ({ where: d.where, code: d.code, message: d.message }));
  return { code: 'session', message: e.message, ...(path === undefined ? {} : { path }), ...(details.length > 0 ? { details } : {}) };
}
