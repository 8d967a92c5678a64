import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runConfigCheck } from '../../src/cli/config.js';
import { HUBSPOT_DEFAULTS, parseCoachingConfig, type CoachingConfig } from '../../src/config/coaching.js';

/** A valid document with one team; each test adds sources. */
function doc(sources?: unknown, sync?: unknown): any {
  return {
    workspace: { id: 'T0TEST', currency: 'USD' },
    teams: [
      {
        name: 'Central',
        timezone: 'America/Chicago',
        pipelineStages: ['discovery', 'demo', 'proposal'],
        focus: ['cadence.call'],
        members: [{ email: 'a@x.com', name: 'Anna' }],
      },
    ],
    ...(sources === undefined ? {} : { sources }),
    ...(sync === undefined ? {} : { sync }),
  };
}

function resolved(input: unknown): CoachingConfig {
  const r = parseCoachingConfig(input);
  if (!r.ok) throw new Error(`expected a valid config, got:\n${r.problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`);
  return r.config;
}

function problems(input: unknown): string[] {
  const r = parseCoachingConfig(input);
  return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
}

describe('sources and sync in the coaching config', () => {
  it('without them: no source, a sync every 10 minutes from 30 weeks back', () => {
    const config = resolved(doc());
    expect(config.sources).toEqual([]);
    expect(config.sync).toEqual({ everyMinutes: 10, since: null });
  });

  it('a HubSpot source takes the defaults and is named after its kind', () => {
    const config = resolved(doc([{ kind: 'hubspot', token: 'env:HUBSPOT_TOKEN' }], { everyMinutes: 15, since: new Date('2026-06-01T00:00:00Z') }));
    expect(config.sync).toEqual({ everyMinutes: 15, since: '2026-06-01' });
    expect(config.sources).toEqual([
      {
        kind: 'hubspot',
        name: 'hubspot',
        token: 'env:HUBSPOT_TOKEN',
        apiUrl: 'https://api.hubapi.com',
        limits: HUBSPOT_DEFAULTS.limits,
        stages: {},
        pipelines: null,
        meetings: HUBSPOT_DEFAULTS.meetings,
        leads: HUBSPOT_DEFAULTS.leads,
        leadSource: HUBSPOT_DEFAULTS.leadSource,
      },
    ]);
  });

  it('a Salesforce source with JWT bearer auth; the instance URL loses its trailing slash', () => {
    const config = resolved(
      doc([{ kind: 'salesforce', instanceUrl: 'https://acme.my.salesforce.com/', auth: { clientId: 'env:SF_CLIENT_ID', username: 'ops@acme.com', privateKey: 'env:SF_JWT_KEY' } }]),
    );
    expect(config.sources[0]).toMatchObject({
      kind: 'salesforce',
      name: 'salesforce',
      instanceUrl: 'https://acme.my.salesforce.com',
      auth: { clientId: 'env:SF_CLIENT_ID', clientSecret: null, username: 'ops@acme.com', privateKey: 'env:SF_JWT_KEY', refreshToken: null },
    });
  });

  it('names a wrong source by its path: unknown kind, a credential written into the file, a bad instance URL', () => {
    expect(
      problems(
        doc([
          { kind: 'pipedrive', token: 'env:X' },
          { kind: 'hubspot', token: 'pat-na1-1234-secret' },
          { kind: 'salesforce', instanceUrl: 'http://acme.my.salesforce.com/services', auth: { clientId: 'env:ID', refreshToken: 'env:RT' } },
          { kind: 'salesforce', instanceUrl: 'not a url', auth: { clientId: 'env:ID' } },
          { token: 'env:X' },
        ]),
      ),
    ).toEqual([
      'sources[0].kind: "pipedrive" is not a source kind Pacer syncs; known kinds: hubspot, salesforce',
      'sources[1].token: write the token as env:NAME (e.g. env:HUBSPOT_TOKEN) and put the value in that environment variable; a credential in the file would be read by anyone who can read the file',
      'sources[2].instanceUrl: "http://acme.my.salesforce.com/services" must start with https:// (http:// only for 127.0.0.1 or localhost)',
      'sources[3].instanceUrl: "not a url" is not a URL (e.g. https://acme.my.salesforce.com)',
      'sources[3].auth: give privateKey (JWT bearer, with username) or refreshToken',
      'sources[4].kind: kind is required: hubspot or salesforce',
    ]);
  });

  it('never echoes a credential written where a reference belongs', () => {
    const secret = 'pat-na1-0000-very-secret';
    const found = problems(doc([{ kind: 'hubspot', token: secret }]));
    expect(found).toHaveLength(1);
    expect(found.join('\n')).not.toContain(secret);
  });

  it('stage maps must name stages of a team; two sources of one kind need names of their own', () => {
    expect(
      problems(
        doc([
          { kind: 'hubspot', token: 'env:A', stages: { appointmentscheduled: 'discovery', contractsent: 'closing' } },
          { kind: 'hubspot', token: 'env:B' },
          { kind: 'hubspot', name: 'Bad_Name', token: 'env:C' },
        ]),
      ),
    ).toEqual(['sources[2].name: "Bad_Name" is not a source name (lower-case letters, digits and dashes, starting with a letter, at most 40)']);
    expect(
      problems(
        doc([
          { kind: 'hubspot', token: 'env:A', stages: { contractsent: 'closing' } },
          { kind: 'hubspot', token: 'env:B' },
        ]),
      ),
    ).toEqual([
      'sources[0].stages.contractsent: "closing" is not a stage of any team\'s pipeline (discovery, demo, proposal)',
      'sources[1].kind: "hubspot" names sources[0] already; give each source its own name',
    ]);
    expect(
      resolved(
        doc([
          { kind: 'hubspot', token: 'env:A' },
          { kind: 'hubspot', name: 'emea', token: 'env:B' },
        ]),
      ).sources.map((s) => s.name),
    ).toEqual(['hubspot', 'emea']);
  });

  it('sync: everyMinutes a whole number from 1 to 1440, since a real date', () => {
    expect(problems(doc(undefined, { everyMinutes: 0, since: '2026-02-30' }))).toEqual(['sync.everyMinutes: 0 is below the minimum of 1', 'sync.since: "2026-02-30" is not a date (YYYY-MM-DD)']);
  });

  it('config check names a missing environment variable at its line; applying does not look', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-sources-'));
    const file = path.join(dir, 'pacer.config.yaml');
    await writeFile(file, stringify(doc([{ kind: 'hubspot', token: 'env:PACER_TEST_HUBSPOT_TOKEN' }])));
    const missing = await runConfigCheck(file, {});
    expect(missing.ok).toBe(false);
    expect(missing.lines).toEqual([
      expect.stringMatching(/: sources\[0\]\.token: environment variable PACER_TEST_HUBSPOT_TOKEN is not set; source hubspot cannot sync without it \(line \d+, column \d+\)$/),
    ]);
    const set = await runConfigCheck(file, { PACER_TEST_HUBSPOT_TOKEN: 'pat-x' });
    expect(set).toEqual({ ok: true, lines: [`${file}: OK — 1 team, 1 member, 0 targets, 1 source (hubspot)`] });
    expect(set.lines.join('\n')).not.toContain('pat-x');
  });
});
