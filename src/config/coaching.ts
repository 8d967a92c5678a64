/**
 * The coaching config (docs/interfaces.md "Coaching config"): one zod pipeline from the document
 * read from YAML to the resolved config — defaults of docs/metrics.md applied, every team complete,
 * people merged across teams. Pure: reading files is load.ts, writing the database apply.ts.
 *
 * The pipeline has two phases: the document schema (coaching-schema.ts) checks every value
 * where it stands; once the shape is sound, the rules (coaching-rules.ts) merge defaults and
 * check what needs several values at once. Cross-document problems therefore show up only
 * after the shape problems are fixed.
 */
import { z } from 'zod';
import { resolveDocument, type CoachingConfig } from './coaching-rules.js';
import { ConfigDocumentSchema } from './coaching-schema.js';
import { findTextProblems } from '../text.js';
import { configErrorMap, formatPath, issuesToProblems, type ConfigProblem } from './problems.js';

export * from './coaching-schema.js';
export { focusIndicatorsFor, withDefined, type CoachingConfig, type PersonConfig, type TeamConfig } from './coaching-rules.js';
export { describeValue, formatPath, type ConfigProblem } from './problems.js';
export * from './sources-schema.js';
export * from './sources-rules.js';

/** The whole pipeline: document in, resolved config out (zod issues carry the paths). */
export const CoachingConfigSchema = ConfigDocumentSchema.transform((doc, ctx) => {
  let failed = false;
  const config = resolveDocument(doc, (path, message) => {
    failed = true;
    ctx.addIssue({ code: 'custom', path, message, input: undefined });
  });
  return failed ? z.NEVER : config;
});

export type ParseResult = { ok: true; config: CoachingConfig } | { ok: false; problems: ConfigProblem[] };

/**
 * Parses a config document (already read from YAML); every problem is reported, each once.
 * Text the database cannot store (a NUL, an unpaired surrogate: YAML writes them as "\0" and
 * "\uD800") is found first, anywhere in the document, so `config check` reports what `config
 * apply` would fail on; a document nested too deep never reaches the recursive schema.
 */
export function parseCoachingConfig(input: unknown): ParseResult {
  const text = findTextProblems(input);
  const unsafe: ConfigProblem[] = text.problems.map((p) => ({ path: formatPath(p.path), message: p.message, at: p.path }));
  if (text.tooDeep) return { ok: false, problems: unsafe };
  const parsed = CoachingConfigSchema.safeParse(input, { error: configErrorMap });
  if (parsed.success && unsafe.length === 0) return { ok: true, config: parsed.data };
  const schema = parsed.success ? [] : issuesToProblems(parsed.error.issues).filter((p) => !unsafe.some((u) => u.path === p.path));
  return { ok: false, problems: [...unsafe, ...schema] };
}
