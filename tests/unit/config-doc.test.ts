import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigDocumentSchema } from '../../src/config/coaching-schema.js';
import { ENV_VARIABLES } from '../../src/config/env.js';

// docs/config.md names every key of the coaching config and every environment variable, so that
// the page cannot fall behind the schemas: a key added to a schema fails here until it is described.

const doc = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
const envSource = readFileSync(new URL('../../src/config/env.ts', import.meta.url), 'utf8');

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; allOf?: JsonSchema[]; $ref?: string };

/**
 * Every key path of a JSON Schema: `teams[].members[].email`. Keys of free-form maps (a source's
 * `stages`) are data, not keys, and are not followed.
 */
function keyPaths(node: JsonSchema, at: string, out: Set<string>): Set<string> {
  if (node.$ref !== undefined) throw new Error(`${at}: $ref ${node.$ref} is not followed here; inline the schema or follow it`);
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = at ? `${at}.${key}` : key;
    out.add(path);
    keyPaths(child, path, out);
  }
  if (node.items) keyPaths(node.items, `${at}[]`, out);
  for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) keyPaths(branch, at, out);
  return out;
}

/** The config's key paths; `defaults` takes every team setting, so its keys are described once, under teams[]. */
function configKeyPaths(): string[] {
  // Output side: the optional keys are preprocess pipes, whose output side is the real schema.
  const schema = z.toJSONSchema(ConfigDocumentSchema, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
  return [...keyPaths(schema, '', new Set())].map((p) => p.replace(/^defaults\./, 'teams[].'));
}

const named = (name: string) => doc.includes(`\`${name}\``);

/** The text of one `## ` section of the page. */
function section(heading: string): string {
  const start = doc.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/config.md has no section "${heading}"`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

describe('docs/config.md', () => {
  it('names every key of the coaching config schema with its full path', () => {
    const paths = configKeyPaths();
    // The walk reaches every level: a broken walk must not pass by finding nothing.
    expect(paths).toEqual(
      expect.arrayContaining([
        'workspace.currency',
        'teams[].thresholds.minRateN',
        'teams[].members[].startDate',
        'teams[].targets[].period.end',
        'sources[].auth.privateKey',
        'sources[].leads.qualified.values',
        'sync.since',
        'admins',
      ]),
    );
    expect(paths.filter((p) => !named(p))).toEqual([]);
  });

  it('names every environment variable env.ts reads, and lists none it does not', () => {
    const read = new Set([...ENV_VARIABLES, ...[...envSource.matchAll(/\b(?:source|process\.env)\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!)]);
    expect(read).toContain('PACER_SCHEDULER');
    expect([...read].filter((v) => !named(v))).toEqual([]);
    // Each row of the table names real variables (a removed one must leave the page too).
    const rows = section('Environment variables')
      .split('\n')
      .filter((line) => /^\| `[A-Z]/.test(line));
    const listed = rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!));
    expect(listed.length).toBeGreaterThanOrEqual(ENV_VARIABLES.length);
    expect(listed.filter((v) => !read.has(v))).toEqual([]);
  });
});
