/**
 * The web host the end-to-end tests start (see playwright.config.ts): a fixed port and a fixed token,
 * both overridable for a machine where the port is taken.
 */
export const E2E_PORT = Number(process.env.UNROLL_E2E_PORT ?? 41731);
export const E2E_TOKEN = process.env.UNROLL_E2E_TOKEN ?? 'unroll-e2e-token-5f1c2a9b';
export const E2E_ORIGIN = `http://127.0.0.1:${E2E_PORT}`;
