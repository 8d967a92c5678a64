import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Paths pino blanks out wherever they appear in a log line. Tokens and keys never reach logs. */
export const REDACTED_PATHS = [
  'token',
  'refreshToken',
  'botToken',
  'appToken',
  'signingSecret',
  'clientSecret',
  'stateSecret',
  'apiKey',
  'key',
  'password',
  'databaseUrl',
  'metricsToken',
  '*.token',
  '*.refreshToken',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.clientSecret',
  '*.stateSecret',
  '*.apiKey',
  '*.password',
  '*.databaseUrl',
  '*.metricsToken',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-slack-signature"]',
  'headers.authorization',
];

/**
 * Query parameters whose values are secrets when a client (or Slack's OAuth redirect: code,
 * state) puts them in a URL. Compared case-insensitively, after percent-decoding the name.
 */
const SECRET_QUERY_NAMES = new Set(['key', 'apikey', 'api_key', 'token', 'access_token', 'refresh_token', 'secret', 'client_secret', 'password', 'signature', 'code', 'state']);

function isSecretName(rawName: string): boolean {
  let name = rawName;
  try {
    name = decodeURIComponent(rawName.replace(/\+/g, ' '));
  } catch {
    // A malformed escape: compare the name as written.
  }
  return SECRET_QUERY_NAMES.has(name.trim().toLowerCase());
}

/** A URL (or path) with the values of secret-named query parameters replaced by [redacted]. */
export function redactQuerySecrets(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  const query = url
    .slice(start + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return eq >= 0 && isSecretName(name) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, start + 1)}${query.join('&')}`;
}

/** Every URL with a query string in a free-text message (Bolt writes request URLs into its messages), redacted. */
export function redactUrlsInText(text: string): string {
  return text.replace(/[^\s"'<>]*\?[^\s"'<>]*/g, redactQuerySecrets);
}

/** The request as Fastify logs it, with secrets in its query string redacted. */
interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

function serializeRequest(req: LoggedRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: req.url === undefined ? undefined : redactQuerySecrets(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const opts: LoggerOptions = {
    level: options.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Replaces Fastify's own req serializer, which logs the URL with its query string as sent.
    serializers: { req: serializeRequest },
    base: { app: 'pacer' },
  };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}

/** Replaces the password of a connection string, so it can be logged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '[redacted]';
    return parsed.toString();
  } catch {
    return '[unparseable url]';
  }
}
