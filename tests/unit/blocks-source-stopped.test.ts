/**
 * Issue 13: the DM an admin gets when a CRM source stops — the ask first (also the notification
 * text), what stopped and since when, what Pacer keeps doing, the exact fix; within its budget on
 * a phone, valid Block Kit, and never a credential.
 */
import { describe, expect, it } from 'vitest';
import { validateBlocks } from '../../src/local-slack/block-kit.js';
import { HUBSPOT_DEFAULTS, parseCoachingConfig, type SourceConfig } from '../../src/config/coaching.js';
import { stopProblem, syncCommand, withoutCredentials } from '../../src/jobs/source-failing.js';
import { LENGTH_BUDGET } from '../../src/slack/blocks/budgets.js';
import { renderSourceStopped, type SourceProblem, type SourceStoppedInput } from '../../src/slack/blocks/source-stopped.js';
import { visibleLength, visibleText } from '../../src/slack/blocks/visible-text.js';
import type { SyncFailureKind } from '../../src/sync/errors.js';

const SINCE = '2026-11-23T12:10:00.000Z';
const LAST = '2026-11-23T12:00:00.000Z';
const REVOKED =
  "HubSpot refused the token (INVALID_AUTHENTICATION): Authentication credentials not found. This API supports both API Key and OAuth 2.0 authentication. The private app's token may be revoked, rotated or expired: put a valid one in the source's token variable";

const base: SourceStoppedInput = {
  crm: 'hubspot',
  source: 'hubspot',
  problem: 'token_revoked',
  since: SINCE,
  lastSuccessAt: LAST,
  variables: ['HUBSPOT_TOKEN'],
  syncCommand: 'npm run pacer -- sync hubspot',
  error: REVOKED,
};

const PROBLEMS: SourceProblem[] = ['token_revoked', 'token_expired', 'sign_in_refused', 'permission', 'variable_unset', 'variable_invalid', 'request_refused'];

describe('the admins’ DM when a CRM source stops', () => {
  it('a revoked HubSpot token: the ask, since when, what Pacer keeps doing, the exact fix, the error', () => {
    const dm = renderSourceStopped(base);
    expect(dm.text).toBe('Reconnect HubSpot: its token was revoked');
    expect(visibleText(dm.blocks).split('\n')).toEqual([
      'Reconnect HubSpot: its token was revoked',
      'Syncing stopped Nov 23, 12:10 (UTC). Reports keep what was synced until Nov 23, 12:00 (UTC); pacer status and the managers’ digests show it failing.',
      'To fix: make a new private app token in HubSpot (Settings → Integrations → Private apps), put it in HUBSPOT_TOKEN where Pacer runs and restart Pacer, then run npm run pacer -- sync hubspot.',
      'Error: HubSpot refused the token (INVALID_AUTHENTICATION): Authentication credentials not found. This API supports both API Ke…',
    ]);
    // Dates are Slack date tokens: each admin reads them in their own time zone.
    expect(JSON.stringify(dm.blocks)).toContain(`<!date^${Date.parse(SINCE) / 1000}^{date_short_pretty} at {time}|Nov 23, 12:10 (UTC)>`);
    expect(validateBlocks(dm.blocks, { surface: 'message' })).toEqual([]);
  });

  it('each problem asks for its own fix, first and in the notification', () => {
    const asks = PROBLEMS.map((problem) => renderSourceStopped({ ...base, problem }).text);
    expect(asks).toEqual([
      'Reconnect HubSpot: its token was revoked',
      'Reconnect HubSpot: its token expired',
      'Reconnect HubSpot: it refused Pacer’s sign-in',
      'Grant Pacer read access in HubSpot: a permission is missing',
      'Set HUBSPOT_TOKEN for HubSpot: Pacer cannot sync without it',
      'Fix HUBSPOT_TOKEN for HubSpot: Pacer cannot sign in with it',
      'Check Pacer’s HubSpot settings: HubSpot refuses its requests',
    ]);
    // In the message, a variable is code (copied as is, its underscores never read as italics).
    const unset = renderSourceStopped({ ...base, problem: 'variable_unset' }).blocks[0];
    expect(unset).toMatchObject({ type: 'section', text: { text: expect.stringMatching(/^\*Set `HUBSPOT_TOKEN` for HubSpot: Pacer cannot sync without it\*\n/) } });
    for (const problem of PROBLEMS) {
      const dm = renderSourceStopped({ ...base, problem });
      expect(visibleText(dm.blocks).split('\n')[0]).toBe(dm.text);
      expect(visibleText(dm.blocks)).toContain('then run npm run pacer -- sync hubspot.');
    }
    const permission = visibleText(renderSourceStopped({ ...base, crm: 'salesforce', source: 'salesforce', problem: 'permission', variables: [] }).blocks);
    expect(permission).toContain('To fix: give the integration user the read access listed in docs/crm-sync.md, then run');
    const refused = visibleText(renderSourceStopped({ ...base, problem: 'request_refused', variables: [] }).blocks);
    expect(refused).toContain('To fix: correct source hubspot in the coaching config and apply it (npm run pacer -- config apply), then run npm run pacer -- sync hubspot.');
  });

  it('names a second source of a kind by its name, lists several variables, and says when nothing was ever synced', () => {
    const dm = renderSourceStopped({
      ...base,
      crm: 'salesforce',
      source: 'salesforce-emea',
      problem: 'sign_in_refused',
      lastSuccessAt: null,
      variables: ['SF_CLIENT_ID', 'SF_JWT_KEY'],
      syncCommand: 'npm run pacer -- sync salesforce-emea',
    });
    expect(dm.text).toBe('Reconnect Salesforce (salesforce-emea): it refused Pacer’s sign-in');
    const text = visibleText(dm.blocks);
    expect(text).toContain('Nothing was synced from it yet; pacer status and the managers’ digests show it failing.');
    expect(text).toContain('put valid credentials in SF_CLIENT_ID and SF_JWT_KEY where Pacer runs and restart Pacer');
    expect(renderSourceStopped({ ...base, problem: 'variable_unset', variables: ['SF_CLIENT_ID', 'SF_JWT_KEY'] }).text).toBe('Set the credentials for HubSpot: Pacer cannot sync without them');
  });

  it(`fits ${LENGTH_BUDGET.sourceStopped} visible characters in the worst case, keeping the fix whole and the error as far as it fits`, () => {
    const longest = 'a'.repeat(40);
    const variables = ['SF_CONNECTED_APP_CLIENT_ID_EMEA', 'SF_CONNECTED_APP_SECRET_EMEA', 'SF_INTEGRATION_USER_EMEA', 'SF_JWT_PRIVATE_KEY_EMEA'];
    let worst = 0;
    for (const crm of ['hubspot', 'salesforce'] as const) {
      for (const problem of PROBLEMS) {
        for (const lastSuccessAt of [LAST, null]) {
          const input = { ...base, crm, source: longest, problem, lastSuccessAt, variables, error: 'x'.repeat(5000), syncCommand: `npm run pacer -- sync ${longest} --workspace T0123456789ABCDEF` };
          const dm = renderSourceStopped(input);
          worst = Math.max(worst, visibleLength(dm.blocks));
          expect(visibleLength(dm.blocks), visibleText(dm.blocks)).toBeLessThanOrEqual(LENGTH_BUDGET.sourceStopped);
          const text = visibleText(dm.blocks);
          expect(text).toContain(input.syncCommand);
          if (['token_revoked', 'sign_in_refused', 'variable_invalid'].includes(problem)) for (const v of variables) expect(text).toContain(v);
          expect(validateBlocks(dm.blocks, { surface: 'message' })).toEqual([]);
        }
      }
    }
    // The budget is spent on the error last: a short message shows it, a long one a part of it.
    expect(worst).toBeGreaterThan(LENGTH_BUDGET.sourceStopped - 40);
    expect(visibleText(renderSourceStopped({ ...base, error: 'HubSpot refused the token (401)' }).blocks)).toContain('Error: HubSpot refused the token (401)');
  });
});

function hubspot(token = 'env:HUBSPOT_TOKEN'): SourceConfig {
  return {
    kind: 'hubspot',
    name: 'hubspot',
    token,
    apiUrl: 'https://api.hubapi.com',
    limits: HUBSPOT_DEFAULTS.limits,
    stages: {},
    pipelines: null,
    meetings: { demoTypes: [], demoOutcomes: [], skipOutcomes: [] },
    leads: { qualified: { property: 'p', values: ['v'] }, disqualified: { property: 'p', values: ['w'] } },
    leadSource: { property: null, inbound: [], outbound: [], otherwise: 'inbound' },
  };
}

function salesforce(auth: Record<string, string>): SourceConfig {
  const parsed = parseCoachingConfig({
    workspace: { id: 'T0TEST', currency: 'USD' },
    teams: [{ name: 'A', timezone: 'UTC', pipelineStages: ['x'], focus: ['cadence.call'], members: [{ email: 'a@x.com', name: 'A' }] }],
    sources: [{ kind: 'salesforce', instanceUrl: 'https://acme.my.salesforce.com', auth }],
  });
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
  return parsed.config.sources[0]!;
}

describe('what the DM asks for, from the failure', () => {
  const failure = (kind: SyncFailureKind, token: 'revoked' | 'expired' | null = null) => ({ kind, token });

  it('HubSpot: the token as the CRM explained it, a permission, a variable not set, refused requests', () => {
    const env = { HUBSPOT_TOKEN: 'pat-na1-secret-value' };
    expect(stopProblem(failure('auth', 'revoked'), hubspot(), env)).toEqual({ problem: 'token_revoked', variables: ['HUBSPOT_TOKEN'] });
    expect(stopProblem(failure('auth', 'expired'), hubspot(), env)).toEqual({ problem: 'token_expired', variables: ['HUBSPOT_TOKEN'] });
    expect(stopProblem(failure('permission'), hubspot(), env)).toEqual({ problem: 'permission', variables: [] });
    expect(stopProblem(failure('config'), hubspot(), {})).toEqual({ problem: 'variable_unset', variables: ['HUBSPOT_TOKEN'] });
    expect(stopProblem(failure('refused'), hubspot(), env)).toEqual({ problem: 'request_refused', variables: [] });
  });

  it('Salesforce: a refused sign-in names its credentials; of a config failure, the unset variables, else the key', () => {
    const source = salesforce({ clientId: 'env:SF_CLIENT_ID', username: 'ops@acme.com', privateKey: 'env:SF_JWT_KEY' });
    expect(stopProblem(failure('auth'), source, {})).toEqual({ problem: 'sign_in_refused', variables: ['SF_CLIENT_ID', 'SF_JWT_KEY'] });
    expect(stopProblem(failure('config'), source, { SF_CLIENT_ID: 'id' })).toEqual({ problem: 'variable_unset', variables: ['SF_JWT_KEY'] });
    expect(stopProblem(failure('config'), source, { SF_CLIENT_ID: 'id', SF_JWT_KEY: 'not a key' })).toEqual({ problem: 'variable_invalid', variables: ['SF_JWT_KEY'] });
  });

  it('a credential value the CRM echoed never reaches the DM; short values are ordinary words', () => {
    const env = { HUBSPOT_TOKEN: 'pat-na1-secret-value', SHORT: 'abc' };
    expect(withoutCredentials('refused pat-na1-secret-value (twice: pat-na1-secret-value)', hubspot(), env)).toBe('refused [credential removed] (twice: [credential removed])');
    expect(withoutCredentials('abc refused', hubspot('env:SHORT'), env)).toBe('abc refused');
  });

  it('the sync command names the workspace only when the database holds several', () => {
    expect(syncCommand('hubspot', 'T0A', 1)).toBe('npm run pacer -- sync hubspot');
    expect(syncCommand('hubspot', 'T0A', 2)).toBe('npm run pacer -- sync hubspot --workspace T0A');
  });
});
