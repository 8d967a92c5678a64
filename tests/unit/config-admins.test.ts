/**
 * Issue 13: `admins:` in the coaching config — the people told by DM when a CRM source stops,
 * each an email (of a member or of anyone in the Slack workspace) or a Slack user id. Problems
 * are named by their path and value, as `config check` prints them.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigCheck } from '../../src/cli/config.js';
import { parseCoachingConfig } from '../../src/config/coaching.js';

function doc(admins?: unknown): Record<string, unknown> {
  return {
    workspace: { id: 'T0TEST', currency: 'USD' },
    teams: [
      {
        name: 'Central',
        timezone: 'America/Chicago',
        pipelineStages: ['discovery', 'demo'],
        focus: ['cadence.call'],
        members: [
          { email: 'Dana@X.com', name: 'Dana', role: 'manager', slackUserId: 'U0DANA' },
          { email: 'anna@x.com', name: 'Anna' },
        ],
      },
    ],
    ...(admins === undefined ? {} : { admins }),
  };
}

function admins(input: unknown): string[] {
  const r = parseCoachingConfig(input);
  if (!r.ok) throw new Error(`expected a valid config, got:\n${r.problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`);
  return r.config.admins;
}

function problems(input: unknown): string[] {
  const r = parseCoachingConfig(input);
  return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
}

describe('admins in the coaching config', () => {
  it('absent, empty or left blank: nobody', () => {
    expect(admins(doc())).toEqual([]);
    expect(admins(doc([]))).toEqual([]);
    expect(admins(doc(null))).toEqual([]);
  });

  it('emails (a member’s or anyone’s, lower-cased like members’) and Slack user ids, in order', () => {
    expect(admins(doc([' Ops@Acme.com ', 'dana@x.com', 'U0123ABCD', 'W0GRIDUSER']))).toEqual(['ops@acme.com', 'dana@x.com', 'U0123ABCD', 'W0GRIDUSER']);
  });

  it('names each bad entry by its index and value, with a hint where one helps', () => {
    expect(problems(doc(['ops@acme.com', 'bob', 'Dana Cole', 'C0123CENT', 42, { email: 'x@y.com' }, 'u0123abcd', '']))).toEqual([
      'admins[1]: "bob" is neither an email nor a Slack user id (U… or W…)',
      'admins[2]: "Dana Cole" is neither an email nor a Slack user id (U… or W…); write the person’s email or Slack user id, not their name',
      'admins[3]: "C0123CENT" is neither an email nor a Slack user id (U… or W…); that is a channel’s id: admins are people, each told in a DM',
      'admins[4]: 42 is not an email or a Slack user id (U… or W…)',
      'admins[5]: a mapping is not an email or a Slack user id (U… or W…)',
      'admins[6]: "u0123abcd" is neither an email nor a Slack user id (U… or W…)',
      'admins[7]: "" is neither an email nor a Slack user id (U… or W…)',
    ]);
  });

  it('a list, not one value', () => {
    expect(problems(doc('ops@acme.com'))).toEqual(['admins: expected a list, got "ops@acme.com"']);
  });

  it('one person once: a repeated email (any case), or a member named by email and by Slack user id', () => {
    expect(problems(doc(['ops@acme.com', 'OPS@acme.com']))).toEqual(['admins[1]: "ops@acme.com" is listed twice']);
    expect(problems(doc(['dana@x.com', 'anna@x.com', 'U0DANA']))).toEqual(['admins[2]: "U0DANA" is the Slack user id of dana@x.com, named as admins[0] already; list each admin once']);
    expect(problems(doc(['U0DANA', 'Dana@x.com']))).toEqual(['admins[1]: "dana@x.com" is the member whose Slack user id is admins[0] already; list each admin once']);
  });

  it('config check prints the problem with its path and line', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-admins-'));
    const file = path.join(dir, 'pacer.config.yaml');
    await writeFile(
      file,
      [
        'workspace: { id: T0TEST, currency: USD }',
        'teams:',
        '  - { name: Central, timezone: UTC, pipelineStages: [discovery], focus: [cadence.call], members: [{ email: anna@x.com, name: Anna }] }',
        'admins:',
        '  - ops@acme.com',
        '  - Sales Ops',
        '',
      ].join('\n'),
    );
    expect(await runConfigCheck(file, {})).toEqual({
      ok: false,
      lines: [`${file}: admins[1]: "Sales Ops" is neither an email nor a Slack user id (U… or W…); write the person’s email or Slack user id, not their name (line 6, column 5)`],
    });
  });
});
