import { z } from 'zod';
import { EnvError } from '../errors.js';
import { KEY_VARIABLE, keysFromEnv, MAKE_KEY, type EncryptionKeys } from '../secrets/keys.js';

const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());

const isoInstant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 instant with an offset, e.g. 2026-11-23T09:00:00Z' });

const envSchema = z.object({
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgresql:// connection string' })
      .optional(),
  ),
  PACER_DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('./.data')),
  PACER_CONFIG: z.preprocess(emptyAsUndefined, z.string().default('pacer.config.yaml')),
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('0.0.0.0')),
  SLACK_BOT_TOKEN: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_CLIENT_ID: optionalString,
  SLACK_CLIENT_SECRET: optionalString,
  SLACK_STATE_SECRET: optionalString,
  SLACK_API_URL: z.preprocess(emptyAsUndefined, z.url({ message: 'must be a URL such as https://slack.com/api/' }).optional()),
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  PACER_SCHEDULER: z.preprocess(emptyAsUndefined, z.enum(['on', 'off']).default('on')),
  PACER_NOW: z.preprocess(emptyAsUndefined, isoInstant.optional()),
  // Checked by keysFromEnv, whose messages never repeat the value.
  PACER_ENCRYPTION_KEY: optionalString,
  PACER_ENCRYPTION_KEY_PREVIOUS: optionalString,
  PACER_METRICS_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(16, { message: 'must be at least 16 characters (a bearer token for GET /metrics)' }).optional()),
});

/** Every environment variable Pacer reads at start (docs/config.md describes each). */
export const ENV_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

export type SlackMode =
  | { kind: 'none' }
  | { kind: 'socket'; botToken: string; appToken: string }
  | { kind: 'http'; botToken: string; signingSecret: string }
  | {
      kind: 'oauth';
      clientId: string;
      clientSecret: string;
      stateSecret: string;
      signingSecret: string;
      /** What the installation store seals each workspace's tokens with (OAuth mode needs them). */
      encryption: EncryptionKeys;
    };

export interface Env {
  databaseUrl: string | undefined;
  dataDir: string;
  configPath: string;
  configPathExplicit: boolean;
  port: number;
  host: string;
  slack: SlackMode;
  slackApiUrl: string | undefined;
  logLevel: string;
  /** LOG_LEVEL was set (the sandbox is quiet unless asked). */
  logLevelExplicit: boolean;
  scheduler: boolean;
  now: Date | undefined;
  /** PACER_ENCRYPTION_KEY (and _PREVIOUS while rotating): stored Slack tokens are sealed under it. */
  encryption: EncryptionKeys | undefined;
  /** PACER_METRICS_TOKEN: GET /metrics asks for it as a bearer token when set. */
  metricsToken: string | undefined;
}

function pickSlackMode(e: z.infer<typeof envSchema>, encryption: EncryptionKeys | undefined, problems: string[]): SlackMode {
  const oauthVars = { SLACK_CLIENT_ID: e.SLACK_CLIENT_ID, SLACK_CLIENT_SECRET: e.SLACK_CLIENT_SECRET, SLACK_STATE_SECRET: e.SLACK_STATE_SECRET };
  const anyOauth = Object.values(oauthVars).some(Boolean);
  const missing = (vars: Record<string, string | undefined>) =>
    Object.entries(vars)
      .filter(([, v]) => !v)
      .map(([k]) => k);

  if (anyOauth) {
    const lacking = missing({ ...oauthVars, SLACK_SIGNING_SECRET: e.SLACK_SIGNING_SECRET });
    if (lacking.length > 0) {
      problems.push(`multi-workspace OAuth mode needs ${lacking.join(', ')} (set all four of SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET, SLACK_SIGNING_SECRET)`);
      return { kind: 'none' };
    }
    if (e.SLACK_BOT_TOKEN) problems.push('SLACK_BOT_TOKEN must not be set in OAuth mode: each workspace gets its token at install');
    if (!encryption) {
      if (!e.PACER_ENCRYPTION_KEY) {
        problems.push(
          `multi-workspace OAuth mode needs ${KEY_VARIABLE}: it encrypts the Slack tokens each workspace's install stores in the database; ${MAKE_KEY}, keep it in your secret store and set it on every Pacer process`,
        );
      }
      return { kind: 'none' };
    }
    return {
      kind: 'oauth',
      clientId: e.SLACK_CLIENT_ID!,
      clientSecret: e.SLACK_CLIENT_SECRET!,
      stateSecret: e.SLACK_STATE_SECRET!,
      signingSecret: e.SLACK_SIGNING_SECRET!,
      encryption,
    };
  }
  if (e.SLACK_APP_TOKEN) {
    if (!e.SLACK_BOT_TOKEN) {
      problems.push('Socket Mode needs SLACK_BOT_TOKEN as well as SLACK_APP_TOKEN');
      return { kind: 'none' };
    }
    if (!e.SLACK_APP_TOKEN.startsWith('xapp-')) problems.push('SLACK_APP_TOKEN must be an app-level token (starts with xapp-)');
    return { kind: 'socket', botToken: e.SLACK_BOT_TOKEN, appToken: e.SLACK_APP_TOKEN };
  }
  if (e.SLACK_BOT_TOKEN || e.SLACK_SIGNING_SECRET) {
    const lacking = missing({ SLACK_BOT_TOKEN: e.SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET: e.SLACK_SIGNING_SECRET });
    if (lacking.length > 0) {
      problems.push(`HTTP mode needs ${lacking.join(' and ')} (or set SLACK_BOT_TOKEN with SLACK_APP_TOKEN for Socket Mode)`);
      return { kind: 'none' };
    }
    return { kind: 'http', botToken: e.SLACK_BOT_TOKEN!, signingSecret: e.SLACK_SIGNING_SECRET! };
  }
  return { kind: 'none' };
}

/** Parses the environment once; throws EnvError listing every problem. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join('.')}: ${issue.message}`);
    }
    throw new EnvError(problems);
  }
  const e = parsed.data;
  const keys = keysFromEnv(e.PACER_ENCRYPTION_KEY, e.PACER_ENCRYPTION_KEY_PREVIOUS);
  problems.push(...keys.problems);
  const slack = pickSlackMode(e, keys.keys, problems);
  if (problems.length > 0) throw new EnvError(problems);
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: e.PACER_DATA_DIR,
    configPath: e.PACER_CONFIG,
    configPathExplicit: emptyAsUndefined(source.PACER_CONFIG) !== undefined,
    port: e.PORT,
    host: e.HOST,
    slack,
    slackApiUrl: e.SLACK_API_URL,
    logLevel: e.LOG_LEVEL,
    logLevelExplicit: emptyAsUndefined(source.LOG_LEVEL) !== undefined,
    scheduler: e.PACER_SCHEDULER === 'on',
    now: e.PACER_NOW ? new Date(e.PACER_NOW) : undefined,
    encryption: keys.keys,
    metricsToken: e.PACER_METRICS_TOKEN,
  };
}
