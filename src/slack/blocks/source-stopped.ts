import type { KnownBlock } from '@slack/types';
import { LENGTH_BUDGET } from './budgets.js';
import { localMoment, slackDate } from './format.js';
import { context, message, section, type SlackMessage } from './kit.js';
import { clip, escapeMrkdwn } from './limits.js';
import { visibleLength } from './visible-text.js';

/**
 * What stopped a CRM source, in the terms of what a person has to do about it: the admins' DM
 * (issue 13) asks for exactly that.
 */
export type SourceProblem =
  /** The CRM says the token was revoked (or is not valid). */
  | 'token_revoked'
  | 'token_expired'
  /** Any other refused sign-in (Salesforce's token endpoint, a token refused without a reason). */
  | 'sign_in_refused'
  | 'permission'
  /** A credential variable the config names is not set where Pacer runs. */
  | 'variable_unset'
  /** One is set but unusable (a PEM key that is not one). */
  | 'variable_invalid'
  /** The CRM refuses the requests themselves (a property or an address the config names). */
  | 'request_refused';

export interface SourceStoppedInput {
  crm: 'hubspot' | 'salesforce';
  /** The source's name in the config. */
  source: string;
  problem: SourceProblem;
  /** When the failing spell began (ISO). */
  since: string;
  /** The last successful sync (ISO), or null when none ever succeeded. */
  lastSuccessAt: string | null;
  /** Names of the environment variables the fix is about (never their values). */
  variables: readonly string[];
  /** The command that syncs the source once it is fixed. */
  syncCommand: string;
  /** The error as recorded, with any credential removed; null to leave it out. */
  error: string | null;
}

const CRM_NAMES = { hubspot: 'HubSpot', salesforce: 'Salesforce' } as const;
/**
 * The recorded error is a detail (the ask and the fix say what to do; `pacer status` has it
 * whole): shown as far as the budget leaves room, and left out below this many characters.
 */
const MAX_ERROR = 120;
const MIN_ERROR = 40;
/** Variable names are never cut to fit the budget (the fix must be exact); this only keeps Block Kit's limits. */
const MAX_VARIABLE = 100;

const when = (iso: string) => slackDate(iso, '{date_short_pretty} at {time}', localMoment(iso));

function variableList(variables: readonly string[]): string {
  const names = variables.map((v) => `\`${clip(v, MAX_VARIABLE)}\``);
  if (names.length === 0) return 'its credential variables';
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
}

/** The one thing asked, first: the notification's text too (there without mrkdwn). */
function ask(input: SourceStoppedInput, crm: string, mrkdwn: boolean): string {
  const [only, ...more] = input.variables;
  const one = only !== undefined && more.length === 0 ? (mrkdwn ? variableList([only]) : clip(only, MAX_VARIABLE)) : null;
  switch (input.problem) {
    case 'token_revoked':
      return `Reconnect ${crm}: its token was revoked`;
    case 'token_expired':
      return `Reconnect ${crm}: its token expired`;
    case 'sign_in_refused':
      return `Reconnect ${crm}: it refused Pacer’s sign-in`;
    case 'permission':
      return `Grant Pacer read access in ${crm}: a permission is missing`;
    case 'variable_unset':
      return `Set ${one ?? 'the credentials'} for ${crm}: Pacer cannot sync without ${one === null ? 'them' : 'it'}`;
    case 'variable_invalid':
      return `Fix ${one ?? 'the credentials'} for ${crm}: Pacer cannot sign in with ${one === null ? 'them' : 'it'}`;
    case 'request_refused':
      return `Check Pacer’s ${crm} settings: ${crm} refuses its requests`;
  }
}

/** The exact change, before "then run the sync". */
function fix(input: SourceStoppedInput): string {
  const vars = variableList(input.variables);
  const restart = 'where Pacer runs and restart Pacer';
  const hubspot = input.crm === 'hubspot';
  switch (input.problem) {
    case 'token_revoked':
    case 'token_expired':
    case 'sign_in_refused':
      return hubspot
        ? `make a new private app token in HubSpot (Settings → Integrations → Private apps), put it in ${vars} ${restart}`
        : `check the connected app and integration user (docs/crm-sync.md), put valid credentials in ${vars} ${restart}`;
    case 'permission':
      return hubspot ? 'give the private app the read scopes listed in docs/crm-sync.md' : 'give the integration user the read access listed in docs/crm-sync.md';
    case 'variable_unset':
      return `set ${vars} ${restart} (never in the config file)`;
    case 'variable_invalid':
      return `put a valid value in ${vars} ${restart}`;
    case 'request_refused':
      return `correct source *${escapeMrkdwn(input.source)}* in the coaching config and apply it (\`npm run pacer -- config apply\`)`;
  }
}

/**
 * The DM each admin gets once per failing spell of a CRM source: the ask first, what stopped and
 * since when, what Pacer keeps doing meanwhile, and the exact fix. Short enough for a phone
 * (LENGTH_BUDGET.sourceStopped); names the source, never an id, a token or a secret.
 */
export function renderSourceStopped(input: SourceStoppedInput): SlackMessage {
  const crm = input.source === input.crm ? CRM_NAMES[input.crm] : `${CRM_NAMES[input.crm]} (${input.source})`;
  const synced = input.lastSuccessAt === null ? 'Nothing was synced from it yet' : `Reports keep what was synced until ${when(input.lastSuccessAt)}`;
  const blocks: KnownBlock[] = [
    section(`*${ask(input, crm, true)}*\nSyncing stopped ${when(input.since)}. ${synced}; \`pacer status\` and the managers’ digests show it failing.`),
    section(`*To fix:* ${fix(input)}, then run \`${input.syncCommand}\`.`),
  ];
  const label = 'Error: ';
  const room = Math.min(MAX_ERROR, LENGTH_BUDGET.sourceStopped - visibleLength(blocks) - label.length);
  if (input.error !== null && room >= MIN_ERROR) blocks.push(context(`${label}${escapeMrkdwn(clip(input.error, room))}`));
  return message(ask(input, crm, false), blocks);
}
