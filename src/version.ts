import { readFileSync } from 'node:fs';

/** Pacer's version, from package.json: one folder up from src/ and from dist/ alike. */
export const PACER_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
