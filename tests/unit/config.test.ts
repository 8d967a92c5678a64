import { SCHEDULE_DEFAULTS } from '../../src/config/coaching-schema.js';
import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runConfigCheck } from '../../src/cli/config.js';
import { readTeamSettings } from '../../src/config/apply.js';
import { parseCoachingConfig, THRESHOLD_DEFAULTS, type CoachingConfig } from '../../src/config/coaching.js';
import { checkConfigPath, checkConfigText, loadCoachingConfig, parseConfigText } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';

const EXAMPLE = path.resolve(import.meta.dirname, '../../pacer.config.example.yaml');

/** A valid document: two teams, one manager in both; each test breaks one thing. */
function doc(): any {
  return {
    workspace: { id: 'T0TEST', currency: 'EUR' },
    teams: [
      {
        name: 'Central',
        timezone: 'America/Chicago',
        pipelineStages: ['discovery', 'demo', 'proposal'],
        focus: ['cadence.call', 'stage_conversion.demo'],
        members: [
          { email: 'boss@x.com', name: 'Boss', role: 'manager', slackUserId: 'U0BOSS' },
          { email: 'a@x.com', name: 'Anna' },
          { email: 'b@x.com', name: 'Ben' },
        ],
        targets: [{ metric: 'booked_revenue', period: 'quarter', value: 1000 }],
      },
      {
        name: 'London',
        timezone: 'Europe/London',
        pipelineStages: ['intro', 'closing'],
        focus: ['cadence.email'],
        members: [
          { email: 'boss@x.com', name: 'Boss', role: 'manager', slackUserId: 'U0BOSS' },
          { email: 'c@x.com', name: 'Cleo' },
          { email: 'd@x.com', name: 'Dev' },
          { email: 'e@x.com', name: 'Eve' },
        ],
      },
    ],
  };
}

function resolved(input: unknown): CoachingConfig {
  const r = parseCoachingConfig(input);
  if (!r.ok) throw new Error(`expected a valid config, got:\n${r.problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`);
  return r.config;
}

/** Every problem as `path: message`, the form `config check` prints. */
function problems(input: unknown): string[] {
  const r = parseCoachingConfig(input);
  if (r.ok) return [];
  return r.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
}

describe('the example config', () => {
  it('passes, through the loader and through `config check`', async () => {
    const checked = checkConfigText(await readFile(EXAMPLE, 'utf8'), 'example');
    expect(checked.ok ? [] : checked.problems).toEqual([]);
    const config = parseConfigText(await readFile(EXAMPLE, 'utf8'), 'example');
    expect(config.teams.map((t) => t.timezone)).toEqual(['America/Chicago', 'Europe/London']);
    const managersInBoth = config.members.filter((p) => config.teams.every((t) => t.members.some((m) => m.email === p.email && m.role === 'manager')));
    expect(managersInBoth.length).toBeGreaterThanOrEqual(1);
    for (const team of config.teams) expect(team.members.filter((m) => m.role === 'rep').length).toBeGreaterThanOrEqual(4);
    const targets = config.teams.flatMap((t) => t.targets);
    expect(targets.some((t) => t.member === undefined)).toBe(true);
    expect(targets.some((t) => t.member !== undefined)).toBe(true);

    const { ok, lines } = await runConfigCheck(EXAMPLE);
    expect(ok).toBe(true);
    expect(lines).toEqual([`${EXAMPLE}: OK — 2 teams, 11 members, 5 targets`]);
  });
});

/** The example of docs/interfaces.md "Coaching config", read from the page: the contract's own sample must pass. */
const INTERFACES_EXAMPLE = (() => {
  const page = readFileSync(path.resolve(import.meta.dirname, '../../docs/interfaces.md'), 'utf8');
  const block = /\n## Coaching config\n[\s\S]*?```yaml\n([\s\S]*?)```/.exec(page)?.[1];
  if (block === undefined) throw new Error('docs/interfaces.md has no yaml example under "Coaching config"');
  return block;
})();

describe('the example of docs/interfaces.md', () => {
  it('passes, with the team thresholds it spells out and the defaults it does not', () => {
    const config = parseConfigText(INTERFACES_EXAMPLE, 'docs/interfaces.md');
    const central = config.teams[0]!;
    expect(central.thresholds).toEqual(THRESHOLD_DEFAULTS);
    expect(central.members.map((m) => [m.email, m.role, m.startDate])).toEqual([
      ['dana@example.com', 'manager', undefined],
      ['anna@example.com', 'rep', '2024-02-01'],
    ]);
    expect(central.targets.map((t) => t.member ?? 'team')).toEqual(['team', 'anna@example.com']);
  });
});

describe('problems name the path and the value', () => {
  it('a malformed email', () => {
    const d = doc();
    d.teams[1].members[3].email = 'bob@';
    expect(problems(d)).toEqual(['teams[1].members[3].email: "bob@" is not an email']);
  });

  it('an unknown time zone', () => {
    const d = doc();
    d.teams[0].timezone = 'Mars/Base';
    expect(problems(d)).toEqual(['teams[0].timezone: "Mars/Base" is not an IANA time zone']);
  });

  it('an offset is not a time zone name', () => {
    const d = doc();
    d.teams[0].members[1].timezone = '+01:00';
    expect(problems(d)).toEqual(['teams[0].members[1].timezone: "+01:00" is not an IANA time zone']);
  });

  it('more than 4 focus indicators', () => {
    const d = doc();
    d.teams[0].focus = ['cadence.call', 'cadence.email', 'cadence.meeting', 'pipeline_created', 'sla_hit_rate'];
    expect(problems(d)).toEqual(['teams[0].focus: 5 indicators given, at most 4 allowed']);
  });

  it('a duplicate email within a team, compared case-insensitively', () => {
    const d = doc();
    d.teams[0].members[1].email = 'A@X.com';
    d.teams[0].members.push({ email: 'a@x.com', name: 'Anna' });
    expect(problems(d)).toEqual(['teams[0].members[3].email: "a@x.com" is listed twice in team Central']);
  });

  it('an unknown key, by name', () => {
    const d = doc();
    d.teams[0].colour = 'blue';
    d.workspace.currncy = 'USD';
    expect(problems(d)).toEqual([
      'workspace: unknown key "currncy" (known keys: id, name, currency, timezone, staleAfterHours)',
      expect.stringMatching(/^teams\[0\]: unknown key "colour" \(known keys: name, timezone, .*\)$/),
    ]);
  });

  it('a custom period that ends before it starts', () => {
    const d = doc();
    d.teams[0].targets[0].period = { start: '2026-10-01', end: '2026-09-30' };
    expect(problems(d)).toEqual(['teams[0].targets[0].period.end: 2026-09-30 is before start 2026-10-01']);
  });

  it('a period of neither kind, and a date that does not exist', () => {
    const d = doc();
    d.teams[0].targets = [
      { metric: 'booked_revenue', period: 'week', value: 1 },
      { metric: 'booked_revenue', period: { start: '2026-02-30', end: '2026-03-31' }, value: 1 },
    ];
    expect(problems(d)).toEqual([
      'teams[0].targets[0].period: "week" is not a period; use quarter, month or { start: YYYY-MM-DD, end: YYYY-MM-DD }',
      'teams[0].targets[1].period.start: "2026-02-30" is not a date (YYYY-MM-DD)',
    ]);
  });

  it('a stage conversion of a stage outside the pipeline, on the team and through defaults', () => {
    const d = doc();
    d.teams[0].focus = ['stage_conversion.negotiation'];
    expect(problems(d)).toEqual(['teams[0].focus[0]: "stage_conversion.negotiation" names a stage not in the pipeline of team Central (discovery, demo, proposal)']);
    const viaDefaults = doc();
    viaDefaults.defaults = { focus: ['stage_conversion.demo'] };
    delete viaDefaults.teams[0].focus;
    delete viaDefaults.teams[1].focus;
    expect(problems(viaDefaults)).toEqual(['defaults.focus[0]: "stage_conversion.demo" names a stage not in the pipeline of team London (intro, closing); team London takes its focus from defaults']);
  });

  it('focus keys: unknown indicators and cadences, repeats; the team touch types count', () => {
    const d = doc();
    d.teams[0].focus = ['revenue', 'cadence.fax', 'cadence.call', 'cadence.call'];
    expect(problems(d)).toEqual(['teams[0].focus[3]: "cadence.call" is listed twice']);
    d.teams[0].focus = ['revenue', 'cadence.fax'];
    expect(problems(d)).toEqual([
      'teams[0].focus[0]: "revenue" is not a leading indicator; use cadence.<type>, pipeline_created, speed_to_lead_hours, sla_hit_rate, qualification_rate, opportunity_rate, touches_per_closed_deal or stage_conversion.<stage>',
      expect.stringMatching(/^teams\[0\]\.focus\[1\]: "cadence.fax" is not a cadence team Central can track \(event types: call, email, .*deal_won\)$/),
    ]);
    d.teams[0].touchTypes = ['fax'];
    d.teams[0].focus = ['cadence.fax', 'cadence.lead_qualified', 'touches_per_closed_deal'];
    expect(problems(d)).toEqual([]);
  });

  it('touch types must be new names in lower snake case', () => {
    const d = doc();
    d.teams[0].touchTypes = ['call', 'Fax', 'lead_assigned'];
    expect(problems(d)).toEqual([
      'teams[0].touchTypes[0]: "call" is a core event type already; touchTypes add new ones',
      'teams[0].touchTypes[1]: "Fax" is not a touch type name (lower case letters, digits and _)',
      'teams[0].touchTypes[2]: "lead_assigned" is a core event type already; touchTypes add new ones',
    ]);
  });

  it('pipeline stages: lower snake case, unique, at least one', () => {
    const d = doc();
    d.teams[0].pipelineStages = ['discovery', 'Demo', 'discovery'];
    d.teams[1].pipelineStages = [];
    expect(problems(d)).toEqual([
      'teams[0].pipelineStages[1]: "Demo" is not a stage name in lower snake case (e.g. discovery, proposal_sent)',
      'teams[0].pipelineStages[2]: "discovery" is listed twice',
      'teams[1].pipelineStages: list at least 1',
    ]);
  });

  it('workspace: Slack team id and ISO currency', () => {
    const d = doc();
    d.workspace = { id: 'acme', currency: 'usd' };
    expect(problems(d)).toEqual(['workspace.id: "acme" is not a Slack team id (T…)', 'workspace.currency: "usd" is not an ISO 4217 currency code (3 upper-case letters, e.g. USD)']);
  });

  it('generic shape problems name the value too', () => {
    const d = doc();
    d.teams[0].thresholds = { cadenceWeeks: 2.5, topFraction: 0, slaHours: 'soon' };
    d.teams[0].weekStartsOn = 'weekly';
    d.teams[0].members[1].role = 'boss';
    delete d.teams[0].members[2].name;
    d.teams[0].targets[0].value = -5;
    d.teams[0].schedule = { nudge: '8:30', recap: '25:00' };
    expect(problems(d)).toEqual([
      'teams[0].weekStartsOn: "weekly" is not one of monday, tuesday, wednesday, thursday, friday, saturday, sunday',
      'teams[0].schedule.recap: "25:00" is not a time of day (HH:mm, 24-hour)',
      'teams[0].thresholds.cadenceWeeks: 2.5 is not a whole number',
      'teams[0].thresholds.topFraction: 0 must be greater than 0',
      'teams[0].thresholds.slaHours: expected a number, got "soon"',
      'teams[0].members[1].role: "boss" is not one of rep, manager',
      'teams[0].members[2].name: is required',
      'teams[0].targets[0].value: -5 is below the minimum of 0',
    ]);
  });

  it('behind must stay below onPace, wherever each was set', () => {
    const d = doc();
    d.defaults = { thresholds: { onPace: 0.5 } };
    expect(problems(d)).toEqual(['defaults.thresholds.onPace: behind (0.6) must be below onPace (0.5)']);
    const own = doc();
    own.teams[1].thresholds = { behind: 0.95 };
    expect(problems(own)).toEqual(['teams[1].thresholds.behind: behind (0.95) must be below onPace (0.9)']);
  });

  it('settings required on each team, unless defaults give them', () => {
    const d = doc();
    delete d.teams[1].timezone;
    delete d.teams[1].focus;
    expect(problems(d)).toEqual(['teams[1].timezone: is required (set it on the team or in defaults)', 'teams[1].focus: is required: 1 to 4 indicators (set it on the team or in defaults)']);
    d.defaults = { timezone: 'Europe/Paris', focus: ['cadence.call'] };
    const config = resolved(d);
    expect(config.teams[1]!.timezone).toBe('Europe/Paris');
    expect(config.teams[0]!.timezone).toBe('America/Chicago');
  });

  it('managers and target members must belong to the team', () => {
    const d = doc();
    d.teams[0].members[1].manager = 'b@x.com';
    d.teams[0].members[2].manager = 'b@x.com';
    d.teams[0].targets.push({ metric: 'deals_won', period: 'month', value: 3, member: 'c@x.com' });
    expect(problems(d)).toEqual([
      'teams[0].members[1].manager: "b@x.com" is not a manager of team Central',
      'teams[0].members[2].manager: "b@x.com" is the member themself; name their manager',
      'teams[0].targets[1].member: "c@x.com" is not a member of team Central',
    ]);
  });

  it('the same target twice is refused', () => {
    const d = doc();
    d.teams[0].targets.push({ metric: 'booked_revenue', period: 'quarter', value: 2000 });
    expect(problems(d)).toEqual(['teams[0].targets[1]: repeats teams[0].targets[0] (same metric, period and team)']);
  });

  it('a team needs a rep; team names are unique', () => {
    const d = doc();
    d.teams[1].members = [{ email: 'boss@x.com', name: 'Boss', role: 'manager' }];
    d.teams[1].name = 'central';
    expect(problems(d)).toEqual([
      'teams[1].members: team central has no rep; a team needs at least one member with role rep',
      'teams[1].name: "central" is the name of teams[0] already; team names must be unique',
    ]);
  });
});

describe('people across teams', () => {
  it('a manager may be listed in several teams', () => {
    const config = resolved(doc());
    expect(config.members.map((p) => p.email)).toEqual(['boss@x.com', 'a@x.com', 'b@x.com', 'c@x.com', 'd@x.com', 'e@x.com']);
    expect(config.teams.map((t) => t.members.find((m) => m.email === 'boss@x.com')?.role)).toEqual(['manager', 'manager']);
  });

  it('a rep may not', () => {
    const d = doc();
    d.teams[1].members.push({ email: 'A@x.com', name: 'Anna' });
    expect(problems(d)).toEqual(['teams[1].members[4].email: "a@x.com" is a rep in team Central already; a rep belongs to one team']);
  });

  it('a person is described the same way in every team; ids given once apply to all listings', () => {
    const d = doc();
    d.teams[1].members[0] = { email: 'boss@x.com', name: 'The Boss', role: 'manager', slackUserId: 'U0OTHER', crmOwnerId: 'boss' };
    expect(problems(d)).toEqual([
      'teams[1].members[0].name: "The Boss" differs from "Boss" given for boss@x.com in team Central',
      'teams[1].members[0].slackUserId: "U0OTHER" differs from "U0BOSS" given for boss@x.com in team Central',
    ]);
    const partial = doc();
    partial.teams[1].members[0] = { email: 'boss@x.com', name: 'Boss', role: 'manager', crmOwnerId: 42 };
    const config = resolved(partial);
    expect(config.teams.map((t) => t.members[0])).toEqual([
      { email: 'boss@x.com', name: 'Boss', role: 'manager', slackUserId: 'U0BOSS', crmOwnerId: '42' },
      { email: 'boss@x.com', name: 'Boss', role: 'manager', slackUserId: 'U0BOSS', crmOwnerId: '42' },
    ]);
  });

  it('a Slack user or CRM owner names one person', () => {
    const d = doc();
    d.teams[1].members[1].slackUserId = 'U0BOSS';
    expect(problems(d)).toEqual(['teams[1].members[1].slackUserId: "U0BOSS" is given for boss@x.com already; each Slack user is one person']);
  });
});

describe('resolution', () => {
  it('applies the docs/metrics.md defaults; defaults override them; a team overrides defaults, key by key', () => {
    const d = doc();
    d.defaults = {
      performanceMetric: 'win_rate',
      weekStartsOn: 'sunday',
      schedule: { nudge: '07:45' },
      thresholds: { cadenceWeeks: 6, slaHours: 8 },
    };
    d.teams[0].thresholds = { slaHours: 2, onPace: 0.95 };
    d.teams[0].schedule = { recap: '16:00' };
    d.teams[0].performanceMetric = 'deals_won';
    const [central, london] = resolved(d).teams;
    expect(central!.thresholds).toEqual({ ...THRESHOLD_DEFAULTS, cadenceWeeks: 6, slaHours: 2, onPace: 0.95 });
    expect(central!.schedule).toEqual({ ...SCHEDULE_DEFAULTS, nudge: '07:45', recap: '16:00' });
    expect(central!.performanceMetric).toBe('deals_won');
    expect(central!.weekStartsOn).toBe('sunday');
    expect(london!.thresholds).toEqual({ ...THRESHOLD_DEFAULTS, cadenceWeeks: 6, slaHours: 8 });
    expect(london!.schedule).toEqual({ ...SCHEDULE_DEFAULTS, nudge: '07:45' });
    expect(london!.performanceMetric).toBe('win_rate');
    expect(london!.alertLookbackDays).toBe(7);
    expect(london!.channel).toBeNull();
  });

  it('takes the revision-2 keys under thresholds, on a target and on the workspace', () => {
    const d = doc();
    d.defaults = { thresholds: { rateWeeks: 8, minRateN: 5, stageTimeoutDays: 60, stepShare: 0.25, staleAfterHours: 24 } };
    d.teams[0].thresholds = { rampWeeks: 12, rampCurve: [0.25, 0.5, 0.75] };
    d.teams[0].targets = [{ metric: 'booked_revenue', period: 'quarter', value: 1000, member: d.teams[0].members[1].email, ramped: true }];
    d.workspace.staleAfterHours = 48;
    const config = resolved(d);
    expect(config.teams[0]!.thresholds).toMatchObject({ rateWeeks: 8, minRateN: 5, stageTimeoutDays: 60, stepShare: 0.25, staleAfterHours: 24, rampCurve: [0.25, 0.5, 0.75] });
    expect(config.teams[0]!.targets[0]!.ramped).toBe(true);
    expect(config.workspace.staleAfterHours).toBe(48);
    expect(config.warnings).toEqual([]);
  });

  it('refuses a ramp curve share outside (0, 1] and names alertsPerDay under thresholds with its place', () => {
    const d = doc();
    d.teams[0].thresholds = { rampCurve: [0.5, 1.5], alertsPerDay: 3 };
    expect(problems(d)).toEqual([
      'teams[0].thresholds.rampCurve[1]: 1.5 is above the maximum of 1',
      expect.stringMatching(/^teams\[0\]\.thresholds: unknown key "alertsPerDay" \(known keys: .*\); alertsPerDay belongs in schedule, not thresholds: move it to schedule\.alertsPerDay$/),
    ]);
  });

  it('warns, without failing, when rampWeeks and 4 × the ramp curve differ', async () => {
    const d = doc();
    d.teams[0].thresholds = { rampCurve: [0.5, 0.75] };
    const config = resolved(d);
    expect(config.warnings).toEqual([
      {
        path: ['teams', 0, 'thresholds', 'rampCurve'],
        message: '2 entries cover 8 weeks of ramp, but rampWeeks is 12; reps ramp for 8 weeks (the curve wins), while rampWeeks still decides who joins the cohort',
      },
    ]);
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-config-'));
    const file = path.join(dir, 'pacer.config.yaml');
    await writeFile(file, stringify(d));
    const { ok, lines } = await runConfigCheck(file);
    expect(ok).toBe(true);
    expect(lines[1]).toMatch(/: teams\[0\]\.thresholds\.rampCurve: warning: 2 entries cover 8 weeks of ramp, but rampWeeks is 12; .* \(line \d+, column \d+\)$/);
  });

  it('with nothing set, every team gets the docs/metrics.md defaults and the workspace UTC', () => {
    const config = resolved(doc());
    expect(config.workspace).toEqual({ id: 'T0TEST', name: null, currency: 'EUR', timezone: 'UTC', touchTypes: [], staleAfterHours: 36 });
    expect(config.teams[0]!.thresholds).toEqual({
      cadenceWeeks: 4,
      baselineWeeks: 13,
      topFraction: 0.25,
      minCohort: 3,
      rampWeeks: 12,
      onPace: 0.9,
      behind: 0.6,
      slaHours: 24,
      stalledDays: 14,
      followUpHours: 48,
      dropShare: 0.4,
      dropMinPerWeek: 5,
      rateWeeks: 13,
      minRateN: 8,
      stageTimeoutDays: 90,
      stepShare: 0.5,
      rampCurve: null,
      staleAfterHours: 36,
    });
    expect(config.teams[0]!.schedule).toEqual(SCHEDULE_DEFAULTS);
    expect(config.teams[0]!.weekStartsOn).toBe('monday');
    expect(config.teams[0]!.performanceMetric).toBe('booked_revenue');
    expect(config.teams[0]!.members[1]!.role).toBe('rep');
  });

  it('lower-cases emails, keeps dates plain (also from a YAML 1.1 Date), pads times', () => {
    const d = doc();
    d.teams[0].members[1] = { email: 'Anna.S@X.com', name: 'Anna', startDate: new Date('2024-02-01T00:00:00Z') };
    d.teams[0].targets = [{ metric: 'pipeline_created', period: { start: new Date('2026-10-01T00:00:00Z'), end: '2026-12-31' }, value: 5, member: 'ANNA.S@x.com' }];
    d.teams[0].schedule = { nudge: '8:05' };
    d.teams[1].touchTypes = ['linkedin_dm'];
    const config = resolved(d);
    const central = config.teams[0]!;
    expect(central.members[1]).toMatchObject({ email: 'anna.s@x.com', startDate: '2024-02-01' });
    expect(central.targets[0]).toEqual({ metric: 'pipeline_created', period: { start: '2026-10-01', end: '2026-12-31' }, value: 5, member: 'anna.s@x.com' });
    expect(central.schedule.nudge).toBe('08:05');
    expect(config.workspace.touchTypes).toEqual(['linkedin_dm']);
    const withTime = doc();
    withTime.teams[0].members[1].startDate = new Date('2024-02-01T10:00:00Z');
    expect(problems(withTime)).toEqual(['teams[0].members[1].startDate: 2024-02-01T10:00:00.000Z is not a date (YYYY-MM-DD)']);
  });

  it('YAML left empty means "not set" for optional keys', () => {
    const config = parseConfigText(stringify(doc()).replace('name: Anna\n', 'name: Anna\n        slackUserId:\n'), 'inline');
    expect(config.teams[0]!.members[1]!.slackUserId).toBeUndefined();
  });
});

describe('the YAML file', () => {
  it('reports syntax errors with line and column', () => {
    const text = 'workspace:\n  id: T0TEST\n  currency: EUR\nteams:\n  - name: Central\n    timezone: [America/Chicago\n';
    const checked = checkConfigText(text, 'broken.yaml');
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.problems[0]!.path).toBe('');
    expect(checked.problems[0]!.message).toMatch(/^line 7, column 1: /);
    const dup = checkConfigText('workspace:\n  id: T0TEST\n  id: T0OTHER\n', 'dup.yaml');
    expect(dup.ok ? [] : dup.problems).toEqual([{ path: '', message: 'line 3, column 3: Map keys must be unique' }]);
  });

  it('locates each schema problem at its line', () => {
    const text = stringify(doc()).replace('timezone: Europe/London', 'timezone: Mars/Base');
    const checked = checkConfigText(text, 'x.yaml');
    const line = text.split('\n').findIndex((l) => l.includes('Mars/Base')) + 1;
    expect(checked.ok ? [] : checked.problems).toEqual([{ path: 'teams[1].timezone', message: '"Mars/Base" is not an IANA time zone', line, column: expect.any(Number) }]);
  });

  it('`config check` reports text the database cannot store (a NUL, an unpaired surrogate) at its path and line', async () => {
    const text = [
      'workspace:',
      '  id: T0TEST',
      '  currency: EUR',
      '  name: "Acme\\0"',
      'teams:',
      '  - name: "Cen\\0tral"',
      '    timezone: UTC',
      '    pipelineStages: [discovery]',
      '    focus: [cadence.call]',
      '    members:',
      '      - { email: a@x.com, name: "Anna \\uD800", crmOwnerId: "crm\\0" }',
      '      - { email: b@x.com, name: Ben }',
      '',
    ].join('\n');
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-config-'));
    const file = path.join(dir, 'pacer.config.yaml');
    await writeFile(file, text);
    const nul = (at: number) => `contains a NUL character (U+0000) at position ${at}, which cannot be stored; remove it`;
    const { ok, lines } = await runConfigCheck(file);
    expect(ok).toBe(false);
    expect(lines).toEqual([
      `${file}: workspace.name: ${nul(4)} (line 4, column 9)`,
      `${file}: teams[0].name: ${nul(3)} (line 6, column 11)`,
      `${file}: teams[0].members[0].name: contains an unpaired surrogate (U+D800) at position 5, which is not valid Unicode; send whole characters (line 11, column 33)`,
      `${file}: teams[0].members[0].crmOwnerId: ${nul(3)} (line 11, column 60)`,
    ]);
  });

  it('an empty file is a problem, a missing one is not', async () => {
    expect(checkConfigText('# nothing yet\n', 'empty.yaml')).toEqual({
      file: 'empty.yaml',
      ok: false,
      problems: [{ path: '', message: 'the file is empty; it needs workspace and teams' }],
    });
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-config-'));
    expect(await loadCoachingConfig(path.join(dir, 'pacer.config.yaml'))).toEqual({ kind: 'missing', path: path.join(dir, 'pacer.config.yaml') });
    expect(await runConfigCheck(path.join(dir, 'pacer.config.yaml'))).toEqual({ ok: false, lines: [`${path.join(dir, 'pacer.config.yaml')}: not found`] });
  });

  it('throws ConfigError with every problem of an invalid file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-config-'));
    const file = path.join(dir, 'pacer.config.yaml');
    const d = doc();
    d.teams[0].timezone = 'Mars/Base';
    d.teams[1].members[3].email = 'bob@';
    await writeFile(file, stringify(d));
    const err: unknown = await loadCoachingConfig(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    if (!(err instanceof ConfigError)) return;
    expect(err.file).toBe(file);
    expect(err.problems.map((p) => `${p.path}: ${p.message}`)).toEqual(['teams[0].timezone: "Mars/Base" is not an IANA time zone', 'teams[1].members[3].email: "bob@" is not an email']);
    expect(err.message).toContain('teams[1].members[3].email: "bob@" is not an email');
    const { ok, lines } = await runConfigCheck(file);
    expect(ok).toBe(false);
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: teams\\[0\\]\\.timezone: "Mars/Base" is not an IANA time zone \\(line \\d+, column \\d+\\)$`)),
      expect.stringMatching(/: teams\[1\]\.members\[3\]\.email: "bob@" is not an email \(line \d+, column \d+\)$/),
    ]);
  });

  it('reads a directory as one workspace per *.yaml / *.yml file, and refuses one workspace twice', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-config-'));
    await mkdir(path.join(dir, 'ignored.yaml.d'));
    const other = doc();
    other.workspace.id = 'T0OTHER';
    await writeFile(path.join(dir, 'a.yaml'), stringify(doc()));
    await writeFile(path.join(dir, 'b.yml'), stringify(other));
    await writeFile(path.join(dir, 'notes.txt'), 'not a config');
    const loaded = await loadCoachingConfig(dir);
    expect(loaded.kind === 'loaded' ? loaded.configs.map((c) => [path.basename(c.file), c.config.workspace.id]) : loaded).toEqual([
      ['a.yaml', 'T0TEST'],
      ['b.yml', 'T0OTHER'],
    ]);
    await writeFile(path.join(dir, 'c.yaml'), stringify(doc()));
    const checked = await checkConfigPath(dir);
    expect(checked.kind === 'checked' ? checked.files.map((f) => (f.ok ? 'ok' : f.problems)) : checked).toEqual([
      'ok',
      'ok',
      [{ path: 'workspace.id', message: `"T0TEST" is configured in ${path.join(dir, 'a.yaml')} already; use one file per workspace` }],
    ]);
    await writeFile(path.join(dir, 'b.yml'), 'workspace: [\n');
    const err: unknown = await loadCoachingConfig(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    if (err instanceof ConfigError) expect(err.problems.map((p) => p.path.split(' ')[0])).toEqual(['b.yml', 'c.yaml']);
  });
});

describe('team settings read back', () => {
  it('fill what is missing with the defaults and ignore unknown keys', () => {
    expect(readTeamSettings({})).toEqual({
      thresholds: THRESHOLD_DEFAULTS,
      alertLookbackDays: 7,
      schedule: SCHEDULE_DEFAULTS,
    });
    expect(readTeamSettings({ thresholds: { slaHours: 4 }, alertLookbackDays: 3, later: true }).thresholds.slaHours).toBe(4);
    expect(() => readTeamSettings({ thresholds: { slaHours: 'x' } })).toThrow(/thresholds\.slaHours/);
  });
});
