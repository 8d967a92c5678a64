/**
 * Zod issues as config problems: paths written `teams[1].members[3].email`, and messages that
 * name the value they reject, so a problem can be fixed from its line alone.
 */
import type { z } from 'zod';
import type { InputProblem } from '../errors.js';
import { quote, quoteList } from '../text.js';

/** How a value reads in a message: strings quoted, lists and mappings named. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid date' : value.toISOString();
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'nothing (null)';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return typeof value;
}

/** `teams[1].members[3].email`: indexes in brackets, keys joined by dots. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  date: 'a date',
};

/** Words zod's generic issues the way the schema's own messages are worded: naming the value. */
export const configErrorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'is required';
      if (iss.expected === 'int') return `${describeValue(iss.input)} is not a whole number`;
      return `expected ${EXPECTED[iss.expected] ?? iss.expected}, got ${describeValue(iss.input)}`;
    case 'invalid_value':
      return `${describeValue(iss.input)} is not one of ${iss.values.map(String).join(', ')}`;
    case 'too_small':
      if (iss.origin === 'string') return 'must not be empty';
      if (iss.origin === 'array') return `list at least ${String(iss.minimum)}`;
      return iss.inclusive ? `${describeValue(iss.input)} is below the minimum of ${String(iss.minimum)}` : `${describeValue(iss.input)} must be greater than ${String(iss.minimum)}`;
    case 'too_big':
      if (iss.origin === 'array') return `${Array.isArray(iss.input) ? iss.input.length : 'too many'} given, at most ${String(iss.maximum)} allowed`;
      return iss.inclusive ? `${describeValue(iss.input)} is above the maximum of ${String(iss.maximum)}` : `${describeValue(iss.input)} must be less than ${String(iss.maximum)}`;
    case 'unrecognized_keys':
      return `unknown key${iss.keys.length > 1 ? 's' : ''} ${quoteList(iss.keys)}`;
    case 'invalid_format':
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
    case 'not_multiple_of':
    case 'custom':
      // Worded by the schema itself, or zod's own words are clear enough.
      return undefined;
  }
};

/**
 * A union's own message fits a value of neither kind ("week" as a period); when the value took
 * one branch's shape (a mapping for a custom period), that branch's problems are the useful ones.
 */
function flatten(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): ConfigProblem[] {
  return issues.flatMap((issue) => {
    const at = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union') {
      const shaped = issue.errors.filter((branch) => !branch.every((b) => b.path.length === 0 && (b.code === 'invalid_type' || b.code === 'invalid_value')));
      if (shaped.length === 1) return flatten(shaped[0]!, at);
    }
    // An unknown key is reported on its mapping, but a reader of the source wants the key's line.
    const pointAt = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? [...at, issue.keys[0]!] : at;
    return [{ path: formatPath(at), message: issue.message, at: pointAt }];
  });
}

/** A problem with the keys of the document node it points at, so a reader of the source can show its line. */
export interface ConfigProblem extends InputProblem {
  at: PropertyKey[];
}

/** Every issue as a problem, each once (a default shared by several teams fails once). */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  const seen = new Set<string>();
  return flatten(issues).filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
