/**
 * Pure part of `pacer import` (docs/interfaces.md "Commands"): command-line settings, the header, and
 * one CSV row → the events it stands for. No I/O, so every rule here is unit-tested directly.
 */
import { TZDate, tz } from '@date-fns/tz';
import { format as formatDate, isValid, parse as parseWithFormat } from 'date-fns';
import { assertNever, PacerError, type InputProblem } from '../errors.js';
import { quote } from '../text.js';
import type { EventInput, RepRef } from './event-schema.js';
import { IMPORT_KINDS, type ImportKind } from './import-kinds.js';

/** Columns of `--kind events`: the event fields of docs/metrics.md "Events". */
export const EVENT_FIELDS = [
  'id',
  'type',
  'occurredAt',
  'repEmail',
  'slackUserId',
  'crmOwnerId',
  'leadId',
  'dealId',
  'amount',
  'stage',
  'leadSource',
  'metadata',
  'dealName',
  'leadName',
  'accountName',
  'url',
  'version',
] as const;
/** `name`, `account` and `url` are the deal's name, its account's and its page in the CRM. */
export const OPPORTUNITY_FIELDS = ['id', 'owner', 'createdAt', 'closedAt', 'status', 'amount', 'stage', 'name', 'account', 'url'] as const;

export type EventField = (typeof EVENT_FIELDS)[number];
export type OpportunityField = (typeof OPPORTUNITY_FIELDS)[number];
export type ImportField = EventField | OpportunityField;

const FIELDS: Record<ImportKind, readonly ImportField[]> = { events: EVENT_FIELDS, opportunities: OPPORTUNITY_FIELDS };
const REQUIRED: Record<ImportKind, readonly ImportField[]> = {
  events: ['id', 'type', 'occurredAt'],
  opportunities: ['id', 'owner', 'createdAt', 'closedAt', 'status', 'amount'],
};
const REP_FIELDS = ['repEmail', 'slackUserId', 'crmOwnerId'] as const;

export type DealStatus = 'won' | 'lost' | 'open';

/**
 * An event as a sender writes it (the API's shape), not yet validated: ingestEvents checks it
 * and rejects it with its usual messages (a required field a row lacks stays absent here).
 */
export type CsvEvent = Partial<Omit<EventInput, 'leadSource'>> & { leadSource?: string };

/** A problem with the command line or the file as a whole: the import does not start (exit 1). */
export class ImportSetupError extends PacerError {
  constructor(message: string) {
    super('bad_import', message);
  }
}

export function parseImportKind(value: string): ImportKind {
  const kind = IMPORT_KINDS.find((k) => k === value);
  if (!kind) throw new ImportSetupError(`--kind must be ${IMPORT_KINDS.join(' or ')}, not "${value}"`);
  return kind;
}

/** Splits `a=b,c=d` (possibly given several times) into pairs; the value may itself contain `=`. */
function pairs(option: string, specs: readonly string[]): [string, string][] {
  return specs
    .flatMap((spec) => spec.split(','))
    .filter((part) => part.trim() !== '')
    .map((part) => {
      const at = part.indexOf('=');
      const key = at < 0 ? '' : part.slice(0, at).trim();
      const value = at < 0 ? '' : part.slice(at + 1).trim();
      if (!key || !value) throw new ImportSetupError(`${option}: "${part.trim()}" is not of the form name=value`);
      return [key, value];
    });
}

/** `--map field=column,…` → field → CSV column. */
export function parseFieldMap(kind: ImportKind, specs: readonly string[]): Map<ImportField, string> {
  const map = new Map<ImportField, string>();
  for (const [name, column] of pairs('--map', specs)) {
    const field = FIELDS[kind].find((f) => f === name);
    if (!field) throw new ImportSetupError(`--map: unknown field "${name}" for --kind ${kind}; the fields are ${FIELDS[kind].join(', ')}`);
    map.set(field, column);
  }
  return map;
}

/** `--status-map "Closed Won=won,…"` → lower-cased export value → status. */
export function parseStatusMap(specs: readonly string[]): Map<string, DealStatus> {
  const map = new Map<string, DealStatus>();
  for (const [value, status] of pairs('--status-map', specs)) {
    const target = (['won', 'lost', 'open'] as const).find((s) => s === status.toLowerCase());
    if (!target) throw new ImportSetupError(`--status-map: "${value}=${status}" maps to "${status}"; the value must be won, lost or open`);
    map.set(value.toLowerCase(), target);
  }
  return map;
}

/** Checks a date-fns format before any row is read, so a typo stops the import instead of rejecting every row. */
export function checkDateFormat(fmt: string): void {
  // date-fns only warns on the console and throws for these; say plainly what was meant.
  const unquoted = fmt.replace(/'[^']*'/g, '');
  if (/Y|D/.test(unquoted)) {
    throw new ImportSetupError(`--date-format "${fmt}": use yyyy for the year and dd for the day (YYYY and DD are week-year and day-of-year tokens)`);
  }
  try {
    const sample = formatDate(new Date(Date.UTC(2026, 10, 2, 13, 4, 5)), fmt);
    parseWithFormat(sample, fmt, new Date(0));
  } catch (err) {
    throw new ImportSetupError(`--date-format "${fmt}" is not a date-fns format: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Where each field's column is in the rows. */
export interface ColumnLayout {
  kind: ImportKind;
  header: readonly string[];
  /** Field → index of its column. */
  columns: ReadonlyMap<ImportField, number>;
  /** Header columns that feed no field (shown in the summary, so a misspelt column is noticed). */
  ignored: string[];
}

const normalise = (name: string) => name.trim().toLowerCase();

/**
 * Matches the header against the fields (names compared case-insensitively; `--map` names the
 * column of a field). Throws naming every required column that is missing and the columns found.
 */
export function resolveHeader(kind: ImportKind, header: readonly string[], map: ReadonlyMap<ImportField, string>): ColumnLayout {
  const positions = new Map<string, number>();
  header.forEach((name, i) => {
    if (!positions.has(normalise(name))) positions.set(normalise(name), i);
  });
  const columns = new Map<ImportField, number>();
  const problems: string[] = [];
  for (const field of FIELDS[kind]) {
    const column = map.get(field) ?? field;
    const index = positions.get(normalise(column));
    if (index !== undefined) columns.set(field, index);
    else if (map.has(field)) problems.push(`--map ${field}=${column}: there is no column "${column}"`);
  }
  const missing = REQUIRED[kind].filter((f) => !columns.has(f) && !map.has(f));
  if (missing.length > 0) problems.push(`missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  if (kind === 'events' && !REP_FIELDS.some((f) => columns.has(f))) {
    problems.push(`missing a column naming the rep: one of ${REP_FIELDS.join(', ')}`);
  }
  if (problems.length > 0) {
    throw new ImportSetupError(
      `wrong header for --kind ${kind}: ${problems.join('; ')}. Columns found: ${header.map((h) => JSON.stringify(h)).join(', ') || 'none'}.` +
        ' Rename the columns or say which column holds a field with --map field=column.',
    );
  }
  const used = new Set(columns.values());
  return { kind, header, columns, ignored: header.filter((_, i) => !used.has(i)) };
}

/** Whom dates are read for: a person's team time zone, or the workspace's for people in no team. */
export interface Directory {
  workspaceTimezone: string;
  /** The member an identity names, with the time zone of their team (null when in no team). */
  find(ref: RepRef): { timezone: string | null } | undefined;
}

export interface RowContext {
  directory: Directory;
  /** date-fns format of every date cell; ISO 8601 when absent. */
  dateFormat?: string | undefined;
  statusMap: ReadonlyMap<string, DealStatus>;
}

const ISO_EXAMPLES = 'ISO 8601 (2026-11-02, 2026-11-02T10:00 or 2026-11-02T10:00:00-06:00)';

/** Date, optional time (T or space), optional offset (only after a time). */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

function isRealDateTime(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d && h <= 23 && mi <= 59 && s <= 59;
}

/**
 * Reads a date cell as an instant (ISO 8601 with offset). A value with an offset is that instant;
 * a date alone is 00:00 of that day in `zone`, and a date-time without an offset is wall-clock
 * time in `zone` (docs/metrics.md "Periods"). With `dateFormat`, date-fns parses in `zone`.
 */
export function parseDateCell(value: string, zone: string, dateFormat?: string): { ok: true; iso: string } | { ok: false; reason: string; expected: string } {
  if (dateFormat !== undefined) {
    const expected = `the format ${dateFormat}`;
    const parsed = parseWithFormat(value, dateFormat, new TZDate(2000, 0, 1, zone), { in: tz(zone) });
    return isValid(parsed) ? { ok: true, iso: parsed.toISOString() } : { ok: false, reason: 'is not a valid date', expected };
  }
  const m = ISO_DATE.exec(value);
  if (!m) return { ok: false, reason: 'is not a date', expected: ISO_EXAMPLES };
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (!isRealDateTime(y, mo, d, h, mi, s)) return { ok: false, reason: 'is not a real date', expected: ISO_EXAMPLES };
  const offset = m[8];
  if (offset) return { ok: true, iso: value.replace(' ', 'T') };
  const ms = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
  return { ok: true, iso: new TZDate(y, mo - 1, d, h, mi, s, ms, zone).toISOString() };
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/** One row's result: the events it stands for, or why it is rejected. */
export type RowResult =
  | {
      ok: true;
      events: CsvEvent[];
      /** Events an earlier export derived from this row that no longer apply (opportunities). */
      staleIds: string[];
      /** The deal the row describes (opportunities), so only its latest row decides what is stale. */
      dealId: string | null;
      /** The person the row names when they are not in the config, for the summary. */
      unknownPerson: string | null;
    }
  | { ok: false; problems: InputProblem[] };

/** Ids of the events derived from one opportunity row (documented in the command's help). */
export const opportunityEventId = (dealId: string, which: 'created' | 'won' | 'lost') => `opp:${dealId}:${which}`;

class Row {
  readonly problems: InputProblem[] = [];
  constructor(
    private readonly layout: ColumnLayout,
    private readonly cells: readonly string[],
  ) {}

  /** The trimmed cell of a field; undefined when the column is absent or the cell empty. */
  get(field: ImportField): string | undefined {
    const index = this.layout.columns.get(field);
    const value = index === undefined ? undefined : this.cells[index]?.trim();
    return value ? value : undefined;
  }

  required(field: ImportField, whenEmpty: string): string | undefined {
    return this.get(field) ?? this.fail(field, whenEmpty);
  }

  column(field: ImportField): string {
    const index = this.layout.columns.get(field);
    return index === undefined ? field : (this.layout.header[index] ?? field);
  }

  fail(field: ImportField, message: string): undefined {
    this.problems.push({ path: field, message });
    return undefined;
  }

  number(field: ImportField): number | undefined {
    const value = this.get(field);
    if (value === undefined) return undefined;
    if (!NUMBER.test(value)) return this.fail(field, `${quote(value)}${this.inColumn(field)} is not a number`);
    return Number(value);
  }

  date(field: ImportField, zone: string, ctx: RowContext): string | undefined {
    const value = this.get(field);
    if (value === undefined) return undefined;
    const parsed = parseDateCell(value, zone, ctx.dateFormat);
    if (parsed.ok) return parsed.iso;
    return this.fail(field, `${quote(value)} in column "${this.column(field)}" ${parsed.reason}; expected ${parsed.expected}`);
  }

  requiredDate(field: ImportField, zone: string, ctx: RowContext, whenEmpty: string): string | undefined {
    return this.get(field) === undefined ? this.fail(field, whenEmpty) : this.date(field, zone, ctx);
  }

  private inColumn(field: ImportField): string {
    return this.column(field) === field ? '' : ` in column "${this.column(field)}"`;
  }

  /** Checks the row has as many fields as the header (a broken quote shifts every later cell). */
  checkWidth(): void {
    const width = this.layout.header.length;
    const extra = this.cells.slice(width);
    if (this.cells.length < width || extra.some((c) => c.trim() !== '')) {
      this.problems.push({ path: '', message: `the row has ${this.cells.length} fields; the header has ${width} (check the quoting)` });
    }
  }
}

const EMAIL_LIKE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function zoneOf(ref: RepRef | undefined, directory: Directory): { zone: string; known: boolean } {
  const person = ref && directory.find(ref);
  return { zone: person?.timezone ?? directory.workspaceTimezone, known: person !== undefined };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mapEventRow(row: Row, ctx: RowContext): RowResult {
  const repEmail = row.get('repEmail')?.toLowerCase();
  const slackUserId = row.get('slackUserId');
  const crmOwnerId = row.get('crmOwnerId');
  // The same precedence as validateEvent, so the zone is that of the person the event is credited to.
  const ref: RepRef | undefined = repEmail ? { kind: 'email', value: repEmail } : slackUserId ? { kind: 'slack', value: slackUserId } : crmOwnerId ? { kind: 'crm', value: crmOwnerId } : undefined;
  const { zone, known } = zoneOf(ref, ctx.directory);

  // Empty cells are absent fields, so ingestEvents reports a missing one with its usual message.
  const event: CsvEvent = {};
  for (const field of ['id', 'type', 'repEmail', 'slackUserId', 'crmOwnerId', 'leadId', 'dealId', 'stage', 'leadSource', 'dealName', 'leadName', 'accountName', 'url'] as const) {
    const value = row.get(field);
    if (value !== undefined) event[field] = value;
  }
  const occurredAt = row.date('occurredAt', zone, ctx);
  if (occurredAt !== undefined) event.occurredAt = occurredAt;
  const amount = row.number('amount');
  if (amount !== undefined) event.amount = amount;
  const version = row.number('version');
  if (version !== undefined) event.version = version;
  const metadataText = row.get('metadata');
  if (metadataText !== undefined) {
    try {
      const value: unknown = JSON.parse(metadataText);
      if (isRecord(value)) event.metadata = value;
      else row.fail('metadata', 'must be a JSON object, e.g. {"source":"hubspot"}');
    } catch (err) {
      row.fail('metadata', `is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  if (row.problems.length > 0) return { ok: false, problems: row.problems };
  return { ok: true, events: [event], staleIds: [], dealId: null, unknownPerson: ref && !known ? ref.value : null };
}

function ownerRef(owner: string, directory: Directory): { ref: RepRef; known: boolean } {
  const candidates: RepRef[] = [
    { kind: 'email', value: owner.toLowerCase() },
    { kind: 'crm', value: owner },
    { kind: 'slack', value: owner },
  ];
  const known = candidates.find((ref) => directory.find(ref) !== undefined);
  if (known) return { ref: known, known: true };
  // Not in the config yet: stored under the identity that will match once they are added.
  return { ref: EMAIL_LIKE.test(owner) ? { kind: 'email', value: owner.toLowerCase() } : { kind: 'crm', value: owner }, known: false };
}

function repFields(ref: RepRef): CsvEvent {
  switch (ref.kind) {
    case 'email':
      return { repEmail: ref.value };
    case 'slack':
      return { slackUserId: ref.value };
    case 'crm':
      return { crmOwnerId: ref.value };
    default:
      return assertNever(ref.kind, 'identity kind');
  }
}

function dealStatus(value: string, statusMap: ReadonlyMap<string, DealStatus>): DealStatus {
  const key = value.toLowerCase();
  return statusMap.get(key) ?? (key === 'won' || key === 'lost' ? key : 'open');
}

function mapOpportunityRow(row: Row, ctx: RowContext): RowResult {
  const dealId = row.required('id', 'is empty; every deal needs an id');
  const owner = row.required('owner', "is empty; name the deal's owner by email, CRM owner id or Slack user id");
  const rep = owner === undefined ? undefined : ownerRef(owner, ctx.directory);
  const { zone } = zoneOf(rep?.ref, ctx.directory);
  const createdAt = row.requiredDate('createdAt', zone, ctx, 'is empty; every deal needs the date it was opened');
  const status = dealStatus(row.get('status') ?? '', ctx.statusMap);
  const closedAt = status === 'open' ? undefined : row.requiredDate('closedAt', zone, ctx, `is empty; a ${status} deal needs the date it closed`);
  const amount = row.number('amount');
  if (status === 'won' && row.get('amount') === undefined) row.fail('amount', 'is empty; a won deal needs its amount (deal_won)');
  if (row.problems.length > 0 || dealId === undefined || rep === undefined || createdAt === undefined) {
    return { ok: false, problems: row.problems };
  }
  const who = repFields(rep.ref);
  const stage = row.get('stage');
  const name = row.get('name');
  const account = row.get('account');
  const url = row.get('url');
  const events: CsvEvent[] = [
    {
      id: opportunityEventId(dealId, 'created'),
      type: 'opportunity_created',
      occurredAt: createdAt,
      ...who,
      dealId,
      amount: amount ?? 0,
      ...(name !== undefined && { dealName: name }),
      ...(account !== undefined && { accountName: account }),
      ...(url !== undefined && { url }),
      // The export says which stage the deal is in but not since when, so it is no stage_changed event.
      ...(stage !== undefined && { metadata: { stage } }),
    },
  ];
  if (status === 'won') events.push({ id: opportunityEventId(dealId, 'won'), type: 'deal_won', occurredAt: closedAt, ...who, dealId, amount });
  if (status === 'lost') events.push({ id: opportunityEventId(dealId, 'lost'), type: 'deal_lost', occurredAt: closedAt, ...who, dealId });
  const staleIds = (['won', 'lost'] as const).filter((which) => which !== status).map((which) => opportunityEventId(dealId, which));
  return { ok: true, events, staleIds, dealId, unknownPerson: rep.known ? null : rep.ref.value };
}

/** Maps one data row (cells in header order) to its events, or the problems that reject it. */
export function mapRow(layout: ColumnLayout, cells: readonly string[], ctx: RowContext): RowResult {
  const row = new Row(layout, cells);
  row.checkWidth();
  if (row.problems.length > 0) return { ok: false, problems: row.problems };
  return layout.kind === 'events' ? mapEventRow(row, ctx) : mapOpportunityRow(row, ctx);
}

const OPPORTUNITY_PATHS: Record<string, OpportunityField> = {
  id: 'id',
  dealId: 'id',
  amount: 'amount',
  repEmail: 'owner',
  slackUserId: 'owner',
  crmOwnerId: 'owner',
  metadata: 'stage',
  dealName: 'name',
  accountName: 'account',
  url: 'url',
};

/**
 * Names a problem ingestEvents found by the CSV field it came from: the event field for
 * `--kind events`; for opportunities the deal column (occurredAt is createdAt or closedAt).
 */
export function problemField(kind: ImportKind, eventType: string, path: string): string {
  if (kind === 'events') return path;
  if (path === 'occurredAt') return eventType === 'opportunity_created' ? 'createdAt' : 'closedAt';
  // A problem inside a field (metadata.stage) belongs to the column that field came from.
  const field = path.split('.', 1)[0] ?? path;
  return OPPORTUNITY_PATHS[field] ?? path;
}

/** The rejected file's `reason`: every problem as `field: message`. */
export function formatReason(problems: readonly InputProblem[]): string {
  return [...new Set(problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)))].join('; ');
}

/** `deals.csv` → `deals.rejected.csv`, beside the input. */
export function rejectedFileName(file: string): string {
  return /\.csv$/i.test(file) ? file.replace(/\.csv$/i, '.rejected.csv') : `${file}.rejected.csv`;
}

/**
 * Tells the line each record starts on (the header is line 1) from the raw text csv-parse gives
 * with `raw: true`: that text holds the empty lines skipped before the record and the line breaks
 * inside quoted fields. csv-parse's own `info.lines` is where a record ends, not where it starts,
 * and it counts a CRLF inside quotes twice. \r\n, \r and \n each end one line.
 */
export function createLineCounter(): (raw: string) => number {
  let breaksBefore = 0;
  let afterCR = false;
  return (raw) => {
    let breaks = 0;
    let leading = 0;
    let inLeading = true;
    for (let i = 0; i < raw.length; i += 1) {
      const c = raw[i];
      if (c === '\n' && afterCR) {
        afterCR = false;
        continue;
      }
      afterCR = c === '\r';
      if (c === '\r' || c === '\n') {
        breaks += 1;
        if (inLeading) leading += 1;
      } else {
        inLeading = false;
      }
    }
    const start = 1 + breaksBefore + leading;
    breaksBefore += breaks;
    return start;
  };
}
