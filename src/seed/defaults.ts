/**
 * `pacer seed`'s defaults, apart from the generator: the command's help shows them, and
 * `pacer --help` loads no module of the generator but this one.
 */
export const SEED_DEFAULTS = { seed: 1, workspace: 'T0SEED' } as const;

/** Where `pacer seed` points record links by default: the sandbox at its default address (PORT 3000). */
export const DEFAULT_CRM_BASE_URL = 'http://127.0.0.1:3000';
