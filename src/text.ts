/**
 * Text a stranger sends, checked and quoted safely: whether PostgreSQL can store it, whether a
 * JSON value is nested too deep for recursive code, and echoes cut short in error messages.
 * Pure; every walk here is iterative, so no input can overflow the stack.
 */

/** Longest piece of an input an error message repeats. */
export const ECHO_MAX = 100;

/** How deep objects and arrays may nest inside one value (an event's metadata, say). */
export const MAX_NESTING = 32;

/** A lone high surrogate (no low one after it) or a lone low one (no high one before it). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why PostgreSQL cannot store this text (a NUL, which no text or jsonb value may hold, or an
 * unpaired UTF-16 surrogate, which is not Unicode), or null when it can.
 */
export function unstorableText(value: string): string | null {
  const nul = value.indexOf('\u0000');
  if (nul >= 0) return `contains a NUL character (U+0000) at position ${nul}, which cannot be stored; remove it`;
  const lone = LONE_SURROGATE.exec(value);
  if (lone) {
    const unit = lone[0].charCodeAt(0).toString(16).toUpperCase();
    return `contains an unpaired surrogate (U+${unit}) at position ${lone.index}, which is not valid Unicode; send whole characters`;
  }
  return null;
}

/** The input cut to ECHO_MAX characters (never inside a surrogate pair), with an ellipsis when cut. */
export function clip(value: string, max = ECHO_MAX): string {
  if (value.length <= max) return value;
  const end = /[\uD800-\uDBFF]/.test(value[max - 1] ?? '') ? max - 1 : max;
  return `${value.slice(0, end)}…`;
}

/** A string input as an error message quotes it: JSON-quoted (so control characters show) and cut short. */
export function quote(value: string): string {
  return JSON.stringify(clip(value));
}

/** An input value as a message quotes it: strings quoted and cut short, other values named by their kind. */
export function echo(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : typeof value;
}

/** Names quoted and cut short, at most a few of them: an input may hold thousands. */
export function quoteList(names: readonly string[], shown = 5): string {
  const listed = names.slice(0, shown).map(quote).join(', ');
  return names.length > shown ? `${listed} and ${names.length - shown} more` : listed;
}

/** One string (a value or a key) that cannot be stored, or a value nested too deep. */
export interface TextProblem {
  /** Keys and indexes from the walked value to the offending string or container. */
  path: (string | number)[];
  message: string;
}

interface Pending {
  value: unknown;
  path: (string | number)[];
  depth: number;
  /** Whether the last step of the path is an object key, checked when the value is reached (document order). */
  keyed?: boolean;
}

/**
 * Walks a JSON value without recursion: every string and object key that cannot be stored, and
 * whether containers nest more than `maxDepth` levels (the value itself, when a container, is
 * level 1), reported once at the value's own path. Nothing below that level is looked at, so a
 * value a million levels deep costs `maxDepth` steps down one branch, not a stack overflow.
 */
export function findTextProblems(root: unknown, maxDepth = MAX_NESTING): { problems: TextProblem[]; tooDeep: boolean } {
  const problems: TextProblem[] = [];
  let tooDeep = false;
  const stack: Pending[] = [{ value: root, path: [], depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth, keyed } = stack.pop()!;
    const key = keyed ? path.at(-1) : undefined;
    const keyReason = key === '__proto__' ? '"__proto__" is not allowed (it names an object\'s prototype)' : typeof key === 'string' ? unstorableText(key) : null;
    if (keyReason) problems.push({ path, message: `the key ${keyReason}` });
    if (typeof value === 'string') {
      const reason = unstorableText(value);
      if (reason) problems.push({ path, message: reason });
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth + 1 > maxDepth) {
      if (!tooDeep) problems.push({ path: [], message: `is nested more than ${maxDepth} levels deep; at most ${maxDepth} levels of objects and arrays are allowed` });
      tooDeep = true;
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i -= 1) stack.push({ value: value[i], path: [...path, i], depth: depth + 1 });
      continue;
    }
    const entries: [string, unknown][] = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      const [key, child] = entries[i]!;
      stack.push({ value: child, path: [...path, key], depth: depth + 1, keyed: true });
    }
  }
  return { problems, tooDeep };
}
