import { z } from 'zod';
import { COMMAND_IDS } from './commands';
import { SESSION_EVENTS } from './training';

/**
 * Messages the host pushes to the renderer without being asked (Electron: `webContents.send`; web
 * host: the WebSocket). Declared once, like the requests.
 */
export const EVENTS = {
  /** Something the user should read: shown in the status bar. */
  'host.notice': z.strictObject({
    level: z.enum(['info', 'warning', 'error']),
    message: z.string(),
  }),
  /** A menu item was chosen (Electron's native menu); `arg` is a recent file's path or a language. */
  'menu.command': z.strictObject({
    command: z.enum(COMMAND_IDS),
    arg: z.string().max(4096).optional(),
  }),
  /** Training sessions: status, telemetry, divergence, errors, end (see `./training`). */
  ...SESSION_EVENTS,
} as const satisfies Record<string, z.ZodType>;

export type EventName = keyof typeof EVENTS;
export type EventPayload<N extends EventName> = z.output<(typeof EVENTS)[N]>;

/** One pushed message as it travels. */
export type HostEvent = { [N in EventName]: { readonly name: N; readonly payload: EventPayload<N> } }[EventName];

/** Checks a message received from the host (the renderer trusts its host, but not a stray socket). */
export function parseHostEvent(value: unknown): HostEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, payload } = value as { name?: unknown; payload?: unknown };
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(EVENTS, name)) return undefined;
  const parsed = EVENTS[name as EventName].safeParse(payload);
  return parsed.success ? ({ name, payload: parsed.data } as HostEvent) : undefined;
}
