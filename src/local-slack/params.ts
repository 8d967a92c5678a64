import type { BlockProblem } from './block-kit.js';

/**
 * Arguments that Slack takes as JSON. Form-encoded calls (what @slack/web-api sends) carry them
 * as JSON strings; they are parsed here so handlers and recorded calls see objects.
 */
const JSON_PARAMS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata']);

/**
 * Problems as Slack lists them in `response_metadata.messages` ("[ERROR] … [json-pointer:/blocks/3/text/text]"),
 * with the readable path in front so the message alone says where to look.
 */
export function problemMessages(problems: readonly BlockProblem[]): string[] {
  return problems.map((p) => `[ERROR] ${p.path}: ${p.message} [json-pointer:${p.pointer}]`);
}

/** An error answered as Slack does: `{ ok: false, error, ...extra }`, HTTP 200 unless `status` says otherwise. */
export class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
    readonly status = 200,
    readonly headers: Record<string, string> = {},
  ) {
    super(error);
  }

  /** An error with `response_metadata.messages` listing what is wrong, Slack's way. */
  static withMessages(error: string, problems: readonly BlockProblem[]): SlackApiError {
    return new SlackApiError(error, { response_metadata: { messages: problemMessages(problems) } });
  }

  static missing(name: string): SlackApiError {
    return SlackApiError.withMessages('invalid_arguments', [{ path: name, pointer: `/${name}`, message: `missing required field: ${name}` }]);
  }
}

/** A call's arguments, with typed accessors. */
export class Params {
  constructor(readonly values: Record<string, unknown>) {}

  /** A string argument; numbers and booleans (JSON bodies) are taken as their text. */
  string(name: string): string | undefined {
    const value = this.values[name];
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return undefined;
  }

  /** A required string: absent or empty is `invalid_arguments`, or the given error (Slack's per-method choice). */
  required(name: string, error?: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw error ? new SlackApiError(error) : SlackApiError.missing(name);
    return value;
  }

  raw(name: string): unknown {
    return this.values[name];
  }

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }
}

export type ParsedBody = { params: Record<string, unknown> } | { error: 'invalid_json' | 'invalid_form_data' | 'invalid_post_type' };

function withJsonParams(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (JSON_PARAMS.has(key) && typeof value === 'string') {
      try {
        out[key] = JSON.parse(value) as unknown;
      } catch {
        out[key] = value; // left as text; the handler reports it the way Slack does for that argument
      }
    } else {
      out[key] = value;
    }
  }
  return out;
}

function fromSearchParams(search: URLSearchParams): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of search) values[key] = value;
  return values;
}

/**
 * A call's arguments from its body (form-encoded, JSON or multipart, the content types Slack
 * accepts) and query string; body values win over query values.
 */
export async function parseArguments(contentType: string | undefined, body: Buffer | undefined, query: Record<string, unknown>): Promise<ParsedBody> {
  const base: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) if (typeof value === 'string') base[key] = value;
  if (!body || body.length === 0) return { params: withJsonParams(base) };

  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return { error: 'invalid_json' };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { error: 'invalid_json' };
    return { params: withJsonParams({ ...base, ...(parsed as Record<string, unknown>) }) };
  }
  if (type === 'application/x-www-form-urlencoded' || type === 'text/plain' || type === '') {
    return { params: withJsonParams({ ...base, ...fromSearchParams(new URLSearchParams(body.toString('utf8'))) }) };
  }
  if (type === 'multipart/form-data') {
    try {
      const form = await new Response(body, { headers: { 'content-type': contentType ?? '' } }).formData();
      const values: Record<string, unknown> = { ...base };
      for (const [key, value] of form) if (typeof value === 'string') values[key] = value;
      return { params: withJsonParams(values) };
    } catch {
      return { error: 'invalid_form_data' };
    }
  }
  return { error: 'invalid_post_type' };
}

/** The token of a call: `Authorization: Bearer …` first, else the `token` argument; '' when neither. */
export function tokenOf(authorization: string | undefined, params: Record<string, unknown>): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (match) return match[1]!;
  return typeof params.token === 'string' ? params.token : '';
}

/** Client credentials sent as HTTP Basic auth, which Slack prefers for oauth.v2.access. */
export function basicCredentials(authorization: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

/** RFC 6749 §2.3.1: Basic credentials are form-encoded first; a malformed escape is taken as is. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replaceAll('+', ' '));
  } catch {
    return value;
  }
}
