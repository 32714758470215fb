import { fail, issuesToError, type Reply } from './reply';
import { isRequestName, REQUEST_NAMES, REQUESTS, type ParsedPayload, type RequestName, type Result } from './requests';

/**
 * One host-side implementation of every request. Handlers receive payloads already checked against
 * the protocol schemas and answer with data (`ok(...)` / `fail(...)`).
 */
export type RequestHandlers = {
  readonly [N in RequestName]: (payload: ParsedPayload<N>) => Promise<Reply<Result<N>>>;
};

/** Checks a payload against the schema of request `name`; the error names the offending field. */
export function parsePayload<N extends RequestName>(name: N, payload: unknown): Reply<ParsedPayload<N>> {
  const parsed = REQUESTS[name].payload.safeParse(payload);
  if (parsed.success) return { ok: true, result: parsed.data as ParsedPayload<N> };
  return { ok: false, error: issuesToError(parsed.error.issues, 'payload') };
}

/**
 * The single entry point both hosts adapt: checks the request name and payload, runs the handler,
 * and turns a thrown exception into an `internal` error instead of letting it cross the boundary.
 */
export async function dispatch(handlers: RequestHandlers, name: unknown, payload: unknown): Promise<Reply<unknown>> {
  if (!isRequestName(name)) {
    return fail('unknown-request', `unknown request ${JSON.stringify(name)}: expected one of ${REQUEST_NAMES.join(', ')}`);
  }
  const parsed = parsePayload(name, payload);
  if (!parsed.ok) return parsed;
  try {
    const handler = handlers[name] as (p: unknown) => Promise<Reply<unknown>>;
    return await handler(parsed.result);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return fail('internal', `${name} failed inside the host: ${message}`);
  }
}
