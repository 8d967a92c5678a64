/**
 * From the document to the resolved config: `defaults` merged into each team (key by key,
 * thresholds and schedule per key too), then the rules that span the document — focus keys
 * against the team's pipeline and touch types, people across teams, managers and target
 * members inside a team. Each problem is reported at the path where its value was written.
 */
import {
  CADENCE_EVENT_TYPES,
  DEFAULT_ALERT_LOOKBACK_DAYS,
  DEFAULT_PERFORMANCE_METRIC,
  DEFAULT_WEEK_STARTS_ON,
  DEFAULT_WORKSPACE_TIMEZONE,
  MAX_FOCUS,
  PLAIN_INDICATORS,
  SCHEDULE_DEFAULTS,
  THRESHOLD_DEFAULTS,
  type ConfigDocument,
  type DefaultsDocument,
  type MemberConfig,
  type PerformanceMetric,
  type Schedule,
  type TargetConfig,
  type TeamDocument,
  type Thresholds,
  type Weekday,
} from './coaching-schema.js';
import { describeValue } from './problems.js';
import { resolveSources, resolveSync, type SourceConfig, type SyncConfig } from './sources-rules.js';

/** One person of the workspace, as stored in `member` (the same in every team listing them). */
export interface PersonConfig {
  email: string;
  name: string;
  slackUserId?: string | undefined;
  crmOwnerId?: string | undefined;
  startDate?: string | undefined;
  timezone?: string | undefined;
}

export interface TeamConfig {
  name: string;
  timezone: string;
  channel: string | null;
  pipelineStages: string[];
  focus: string[];
  performanceMetric: PerformanceMetric;
  weekStartsOn: Weekday;
  alertLookbackDays: number;
  touchTypes: string[];
  schedule: Schedule;
  thresholds: Thresholds;
  members: MemberConfig[];
  targets: TargetConfig[];
}

export interface CoachingConfig {
  /** `touchTypes`: the union of the teams' touch types (what ingestion accepts on top of the core types). */
  workspace: { id: string; name: string | null; currency: string; timezone: string; touchTypes: string[]; staleAfterHours: number };
  teams: TeamConfig[];
  /** The CRMs to sync from, defaults applied (credentials still env:NAME references). */
  sources: SourceConfig[];
  sync: SyncConfig;
  /** Everyone listed in any team, once, in order of first listing. */
  members: PersonConfig[];
  /**
   * Who administers Pacer for the workspace and is told by DM when a CRM source stops: emails
   * (lower case) and Slack user ids, as written, in order.
   */
  admins: string[];
  /** Valid but probably not meant (`config check` prints them; they do not stop an apply). */
  warnings: { path: Path; message: string }[];
}

export type Path = (string | number)[];
export type Report = (path: Path, message: string) => void;

/** Copies the keys whose value is set, so an absent key never hides a default. */
export function withDefined<T extends object>(base: T, ...layers: (Partial<T> | undefined)[]): T {
  const out = { ...base };
  for (const layer of layers) {
    if (!layer) continue;
    for (const key of Object.keys(layer) as (keyof T)[]) {
      const v = layer[key];
      if (v !== undefined) out[key] = v;
    }
  }
  return out;
}

/** Valid focus keys of a team: cadences of core and team types, plain indicators, stage conversions. */
export function focusIndicatorsFor(team: { touchTypes: readonly string[]; pipelineStages: readonly string[] }): string[] {
  return [...[...CADENCE_EVENT_TYPES, ...team.touchTypes].map((t) => `cadence.${t}`), ...PLAIN_INDICATORS, ...team.pipelineStages.map((s) => `stage_conversion.${s}`)];
}

function focusProblem(key: string, team: { name: string; touchTypes: readonly string[]; pipelineStages: readonly string[] }): string | null {
  if (focusIndicatorsFor(team).includes(key)) return null;
  const [kind, arg] = key.split(/\.(.*)/s);
  if (kind === 'stage_conversion' && arg !== undefined) {
    return `${describeValue(key)} names a stage not in the pipeline of team ${team.name} (${team.pipelineStages.join(', ')})`;
  }
  if (kind === 'cadence' && arg !== undefined) {
    return `${describeValue(key)} is not a cadence team ${team.name} can track (event types: ${[...CADENCE_EVENT_TYPES, ...team.touchTypes].join(', ')})`;
  }
  return `${describeValue(key)} is not a leading indicator; use cadence.<type>, ${PLAIN_INDICATORS.join(', ')} or stage_conversion.<stage>`;
}

type SettingKey = keyof DefaultsDocument;

/** Merges `defaults` into one team and checks what only the merged team can tell. */
function resolveTeam(team: TeamDocument, i: number, defaults: DefaultsDocument, report: Report, warn: Report): TeamConfig {
  const here = (...rest: Path): Path => ['teams', i, ...rest];
  // Where the value in force was written: the team's own key, else the defaults' one.
  const origin = (key: SettingKey): Path => (team[key] !== undefined || defaults[key] === undefined ? here(key) : ['defaults', key]);
  const fromDefaults = (key: SettingKey) => team[key] === undefined && defaults[key] !== undefined;

  const timezone = team.timezone ?? defaults.timezone;
  if (timezone === undefined) report(here('timezone'), 'is required (set it on the team or in defaults)');
  const pipelineStages = team.pipelineStages ?? defaults.pipelineStages;
  if (pipelineStages === undefined) report(here('pipelineStages'), 'is required (set it on the team or in defaults)');
  const focus = team.focus ?? defaults.focus;
  if (focus === undefined) report(here('focus'), `is required: 1 to ${MAX_FOCUS} indicators (set it on the team or in defaults)`);
  const touchTypes = team.touchTypes ?? defaults.touchTypes ?? [];

  const thresholds = withDefined(THRESHOLD_DEFAULTS, defaults.thresholds, team.thresholds);
  if (thresholds.behind >= thresholds.onPace) {
    // Point at the value in force that the team wrote, else the one in defaults.
    const own = team.thresholds?.behind !== undefined || team.thresholds?.onPace !== undefined;
    const layer = own ? team.thresholds : defaults.thresholds;
    const key = layer?.behind !== undefined ? 'behind' : 'onPace';
    report([...(own ? here('thresholds') : ['defaults', 'thresholds']), key], `behind (${thresholds.behind}) must be below onPace (${thresholds.onPace})`);
  }

  // docs/metrics.md: R is 4 × the curve's length when a curve is set; a different rampWeeks is probably a slip.
  if (thresholds.rampCurve !== null && 4 * thresholds.rampCurve.length !== thresholds.rampWeeks) {
    const own = team.thresholds?.rampCurve !== undefined;
    const weeks = 4 * thresholds.rampCurve.length;
    warn(
      [...(own ? here('thresholds') : ['defaults', 'thresholds']), 'rampCurve'],
      `${thresholds.rampCurve.length} entries cover ${weeks} weeks of ramp, but rampWeeks is ${thresholds.rampWeeks}; reps ramp for ${weeks} weeks (the curve wins), while rampWeeks still decides who joins the cohort`,
    );
  }

  if (focus && pipelineStages) {
    const own = !fromDefaults('focus');
    focus.forEach((key, k) => {
      const problem = focusProblem(key, { name: team.name, touchTypes, pipelineStages });
      if (problem) report([...origin('focus'), k], own ? problem : `${problem}; team ${team.name} takes its focus from defaults`);
    });
  }

  return {
    name: team.name,
    timezone: timezone ?? DEFAULT_WORKSPACE_TIMEZONE,
    channel: team.channel ?? defaults.channel ?? null,
    pipelineStages: pipelineStages ?? [],
    focus: focus ?? [],
    performanceMetric: team.performanceMetric ?? defaults.performanceMetric ?? DEFAULT_PERFORMANCE_METRIC,
    weekStartsOn: team.weekStartsOn ?? defaults.weekStartsOn ?? DEFAULT_WEEK_STARTS_ON,
    alertLookbackDays: team.alertLookbackDays ?? defaults.alertLookbackDays ?? DEFAULT_ALERT_LOOKBACK_DAYS,
    touchTypes,
    schedule: withDefined(SCHEDULE_DEFAULTS, defaults.schedule, team.schedule),
    thresholds,
    members: team.members,
    targets: team.targets ?? [],
  };
}

/** Within one team: unique emails, at least one rep, managers and target members that exist. */
function checkTeamMembers(team: TeamConfig, i: number, report: Report): void {
  const byEmail = new Map<string, MemberConfig>();
  team.members.forEach((m, k) => {
    if (byEmail.has(m.email)) report(['teams', i, 'members', k, 'email'], `${describeValue(m.email)} is listed twice in team ${team.name}`);
    else byEmail.set(m.email, m);
  });
  if (!team.members.some((m) => m.role === 'rep')) {
    report(['teams', i, 'members'], `team ${team.name} has no rep; a team needs at least one member with role rep`);
  }
  team.members.forEach((m, k) => {
    if (m.manager === undefined) return;
    const path = ['teams', i, 'members', k, 'manager'];
    if (m.manager === m.email) report(path, `${describeValue(m.manager)} is the member themself; name their manager`);
    else if (byEmail.get(m.manager)?.role !== 'manager') report(path, `${describeValue(m.manager)} is not a manager of team ${team.name}`);
  });
  const targetKeys = new Map<string, number>();
  team.targets.forEach((t, k) => {
    if (t.member !== undefined && !byEmail.has(t.member)) {
      report(['teams', i, 'targets', k, 'member'], `${describeValue(t.member)} is not a member of team ${team.name}`);
    }
    const period = typeof t.period === 'string' ? t.period : `${t.period.start}..${t.period.end}`;
    const key = `${t.metric}|${period}|${t.member ?? ''}`;
    const first = targetKeys.get(key);
    if (first !== undefined) {
      report(['teams', i, 'targets', k], `repeats teams[${i}].targets[${first}] (same metric, period and ${t.member ? 'member' : 'team'})`);
    } else targetKeys.set(key, k);
  });
}

const PERSON_FIELDS = ['name', 'slackUserId', 'crmOwnerId', 'startDate', 'timezone'] as const;

/**
 * Across teams: team names unique, a rep in one team only, a person described the same way
 * wherever listed (a field given in one listing only applies to all), and Slack users and CRM
 * owners naming one person each, so every event is credited to exactly one member.
 */
function mergePeople(teams: TeamConfig[], report: Report): PersonConfig[] {
  const teamByName = new Map<string, number>();
  teams.forEach((t, i) => {
    const key = t.name.toLowerCase();
    const first = teamByName.get(key);
    if (first !== undefined) report(['teams', i, 'name'], `${describeValue(t.name)} is the name of teams[${first}] already; team names must be unique`);
    else teamByName.set(key, i);
  });

  const people = new Map<string, { person: PersonConfig; seenIn: Partial<Record<(typeof PERSON_FIELDS)[number], string>>; repIn?: string }>();
  const owners = { slackUserId: new Map<string, string>(), crmOwnerId: new Map<string, string>() };
  teams.forEach((team, i) => {
    team.members.forEach((m, k) => {
      const path = (key: string): Path => ['teams', i, 'members', k, key];
      let entry = people.get(m.email);
      if (!entry) {
        entry = { person: { email: m.email, name: m.name }, seenIn: { name: team.name } };
        people.set(m.email, entry);
      }
      if (m.role === 'rep') {
        if (entry.repIn !== undefined && entry.repIn !== team.name) {
          report(path('email'), `${describeValue(m.email)} is a rep in team ${entry.repIn} already; a rep belongs to one team`);
        } else entry.repIn = team.name;
      }
      for (const field of PERSON_FIELDS) {
        const value = m[field];
        if (value === undefined) continue;
        const before = entry.person[field];
        if (before !== undefined && before !== value) {
          report(path(field), `${describeValue(value)} differs from ${describeValue(before)} given for ${m.email} in team ${entry.seenIn[field]}`);
          continue;
        }
        entry.person[field] = value;
        entry.seenIn[field] ??= team.name;
      }
      for (const field of ['slackUserId', 'crmOwnerId'] as const) {
        const value = m[field];
        if (value === undefined) continue;
        const owner = owners[field].get(value);
        if (owner !== undefined && owner !== m.email) {
          report(path(field), `${describeValue(value)} is given for ${owner} already; each ${field === 'slackUserId' ? 'Slack user' : 'CRM owner'} is one person`);
        } else owners[field].set(value, m.email);
      }
    });
  });
  return [...people.values()].map((e) => e.person);
}

/**
 * `admins:` as written; one person named twice (by a member's email and that member's Slack user
 * id) is reported at the second naming, so nobody gets two DMs for one failure.
 */
function resolveAdmins(admins: readonly string[], members: readonly PersonConfig[], report: Report): string[] {
  const emailOfSlackUser = new Map(members.flatMap((m) => (m.slackUserId === undefined ? [] : [[m.slackUserId, m.email] as const])));
  const firstNamed = new Map<string, number>();
  admins.forEach((admin, k) => {
    const person = emailOfSlackUser.get(admin) ?? admin;
    const first = firstNamed.get(person);
    // Repeats of the same text are the schema's to report; here an email and a Slack user id meet.
    if (first === undefined) firstNamed.set(person, k);
    else if (person !== admin) report(['admins', k], `${describeValue(admin)} is the Slack user id of ${person}, named as admins[${first}] already; list each admin once`);
    else report(['admins', k], `${describeValue(admin)} is the member whose Slack user id is admins[${first}] already; list each admin once`);
  });
  return [...admins];
}

export function resolveDocument(doc: ConfigDocument, report: Report): CoachingConfig {
  const defaults = doc.defaults ?? {};
  const warnings: CoachingConfig['warnings'] = [];
  const teams = doc.teams.map((team, i) => resolveTeam(team, i, defaults, report, (path, message) => warnings.push({ path, message })));
  teams.forEach((team, i) => checkTeamMembers(team, i, report));
  const members = mergePeople(teams, report);
  // Every listing carries the merged person, so readers need not look across teams.
  const byEmail = new Map(members.map((p) => [p.email, p]));
  for (const team of teams) team.members = team.members.map((m) => ({ ...m, ...byEmail.get(m.email) }));
  return {
    workspace: {
      id: doc.workspace.id,
      name: doc.workspace.name ?? null,
      currency: doc.workspace.currency,
      timezone: doc.workspace.timezone ?? DEFAULT_WORKSPACE_TIMEZONE,
      touchTypes: [...new Set(teams.flatMap((t) => t.touchTypes))],
      staleAfterHours: doc.workspace.staleAfterHours ?? THRESHOLD_DEFAULTS.staleAfterHours,
    },
    teams,
    sources: resolveSources(doc.sources ?? [], new Set(teams.flatMap((t) => t.pipelineStages)), report),
    sync: resolveSync(doc.sync),
    members,
    admins: resolveAdmins(doc.admins ?? [], members, report),
    warnings,
  };
}
