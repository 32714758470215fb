import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The web host the end-to-end tests start (see playwright.config.ts): a fixed port and a fixed token,
 * both overridable for a machine where the port is taken.
 */
export const E2E_PORT = Number(process.env.UNROLL_E2E_PORT ?? 41731);
export const E2E_TOKEN = process.env.UNROLL_E2E_TOKEN ?? 'unroll-e2e-token-5f1c2a9b';
export const E2E_ORIGIN = `http://127.0.0.1:${E2E_PORT}`;

/**
 * The web host's data folder (its autosave) for this run: a fresh temporary folder, so tests never
 * touch the user's own autosave. Set in the environment the first time this module loads (in the
 * Playwright runner, before it starts the web host and its workers, which inherit it).
 */
process.env.UNROLL_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'unroll-e2e-data-'));
export const E2E_DATA_DIR = process.env.UNROLL_DATA_DIR;
