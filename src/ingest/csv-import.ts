/**
 * `pacer import` as a use-case (docs/interfaces.md "Commands"): streams a CSV file in batches through
 * ingestEvents, awaiting each batch so memory stays flat whatever the file's size, and writes
 * rejected rows beside the input. No console output: the CLI renders progress and the summary.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { stringify, type Stringifier } from 'csv-stringify';
import type { Clock } from '../clock.js';
import type { Database } from '../db/client.js';
import { deleteEvents } from '../db/events-repo.js';
import { importMembers } from '../db/member-teams-repo.js';
import { workspaceTimezone } from '../db/workspace-repo.js';
import {
  createLineCounter,
  formatReason,
  mapRow,
  problemField,
  rejectedFileName,
  resolveHeader,
  ImportSetupError,
  type ColumnLayout,
  type CsvEvent,
  type DealStatus,
  type Directory,
  type ImportField,
  type RowContext,
} from './csv-rows.js';
import type { ImportKind } from './import-kinds.js';
import type { InputProblem } from '../errors.js';
import type { RepRef } from './event-schema.js';
import { ingestEventsDetailed } from './ingest-events.js';

export const IMPORT_BATCH_ROWS = 1000;

export interface CsvImportOptions {
  file: string;
  workspaceId: number;
  kind: ImportKind;
  /** Field → the CSV column holding it (`--map`). */
  fieldMap?: ReadonlyMap<ImportField, string>;
  /** date-fns format of the date cells (`--date-format`); ISO 8601 when absent. */
  dateFormat?: string | undefined;
  /** Lower-cased export status → status (`--status-map`). */
  statusMap?: ReadonlyMap<string, DealStatus>;
  batchRows?: number;
  /** Pacer's clock: each batch is received at its now (docs/metrics.md "Data health"). */
  clock: Clock;
  /** Called after each batch is stored. */
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  rowsRead: number;
}

export interface ImportSummary {
  file: string;
  kind: ImportKind;
  /** Data rows (the header and blank lines not counted). */
  rowsRead: number;
  /** Events the rows stood for (one per row for events; one or two per deal). */
  events: number;
  /** New events stored. */
  accepted: number;
  duplicates: number;
  /** Stored events whose content the file changed. */
  updated: number;
  /** Derived events a re-export no longer implies (a deal no longer won or lost). */
  removed: number;
  /** Accepted events naming a person not in the config (stored; credited once they are added). */
  unmatched: number;
  /** Some of the people those events name (at most 10). */
  unmatchedPeople: string[];
  /** Whether more people than those are not in the config. */
  moreUnmatchedPeople: boolean;
  rejectedRows: number;
  /** Where the rejected rows are, or null when none were. */
  rejectedFile: string | null;
  /** Header columns no field reads. */
  ignoredColumns: string[];
  seconds: number;
  rowsPerSecond: number;
}

interface PendingRow {
  line: number;
  cells: string[];
}

const UNMATCHED_SHOWN = 10;

/** Members of the workspace by each identity, with the time zone their dates are read in. */
export async function loadDirectory(db: Database, workspaceId: number): Promise<Directory> {
  const [workspaceZone, members] = await Promise.all([workspaceTimezone(db, workspaceId), importMembers(db, workspaceId)]);
  const byRef = new Map<string, { timezone: string | null }>();
  const key = (ref: RepRef) => `${ref.kind}\u0000${ref.value}`;
  const add = (ref: RepRef, person: { timezone: string | null }) => {
    if (!byRef.has(key(ref))) byRef.set(key(ref), person);
  };
  for (const m of members) {
    const person = { timezone: m.teamTimezone };
    add({ kind: 'email', value: m.email.toLowerCase() }, person);
    if (m.slackUserId) add({ kind: 'slack', value: m.slackUserId }, person);
    if (m.crmOwnerId) add({ kind: 'crm', value: m.crmOwnerId }, person);
  }
  return { workspaceTimezone: workspaceZone, find: (ref) => byRef.get(key(ref)) };
}

/** Writes rejected rows as they come, opening the file on the first one. */
class RejectedWriter {
  private stringifier: Stringifier | null = null;
  private done: Promise<void> | null = null;
  count = 0;

  constructor(
    readonly path: string,
    private readonly header: readonly string[],
  ) {}

  async write(line: number, reason: string, cells: readonly string[]): Promise<void> {
    if (!this.stringifier) {
      this.stringifier = stringify();
      this.done = pipeline(this.stringifier, createWriteStream(this.path));
      this.stringifier.write(['line', 'reason', ...this.header]);
    }
    this.count += 1;
    if (!this.stringifier.write([String(line), reason, ...cells])) await once(this.stringifier, 'drain');
  }

  async close(): Promise<void> {
    this.stringifier?.end();
    await this.done;
  }
}

function isParsedRecord(value: unknown): value is { record: string[]; raw: string } {
  return typeof value === 'object' && value !== null && 'record' in value && Array.isArray(value.record) && 'raw' in value && typeof value.raw === 'string';
}

/**
 * Imports one CSV file into a workspace. Rows are taken in order, like one long API batch cut
 * into batches of `batchRows`; each batch is stored before the next is read. Throws
 * ImportSetupError (nothing imported) for a missing file or a wrong header, and for a file that
 * cannot be parsed further (the rows before that point are stored; importing again is safe).
 */
export async function importCsv(db: Database, options: CsvImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const { file, workspaceId, kind } = options;
  const totalBytes = await checkInputFile(file);
  const rejectedPath = rejectedFileName(file);
  // A rejected file always describes the latest run: none when nothing is rejected.
  await rm(rejectedPath, { force: true });

  const ctx: RowContext = { directory: await loadDirectory(db, workspaceId), dateFormat: options.dateFormat, statusMap: options.statusMap ?? new Map() };
  const onConflict = kind === 'opportunities' ? 'replace' : 'reject';
  const batchRows = options.batchRows ?? IMPORT_BATCH_ROWS;
  const summary: ImportSummary = {
    file,
    kind,
    rowsRead: 0,
    events: 0,
    accepted: 0,
    duplicates: 0,
    updated: 0,
    removed: 0,
    unmatched: 0,
    unmatchedPeople: [],
    moreUnmatchedPeople: false,
    rejectedRows: 0,
    rejectedFile: null,
    ignoredColumns: [],
    seconds: 0,
    rowsPerSecond: 0,
  };
  const unknownPeople = new Set<string>();

  let layout: ColumnLayout | undefined;
  let rejected: RejectedWriter | undefined;

  const flush = async (rows: PendingRow[]) => {
    const columns = layout;
    if (!columns || rows.length === 0) return;
    const results = rows.map((row) => mapRow(columns, row.cells, ctx));
    const events: CsvEvent[] = [];
    const rowOfEvent: number[] = [];
    results.forEach((result, i) => {
      if (!result.ok) return;
      for (const event of result.events) {
        events.push(event);
        rowOfEvent.push(i);
      }
    });
    const problems = results.map((result): InputProblem[] => (result.ok ? [] : result.problems));
    if (events.length > 0) {
      const outcome = await ingestEventsDetailed(db, workspaceId, events, { onConflict, receivedAt: options.clock.now() });
      summary.events += events.length;
      summary.accepted += outcome.accepted - outcome.updated;
      summary.updated += outcome.updated;
      summary.duplicates += outcome.duplicates;
      summary.unmatched += outcome.unmatched;
      for (const r of outcome.rejected) {
        const type = events[r.index]?.type ?? '';
        problems[rowOfEvent[r.index]!]!.push(...r.errors.map((e) => ({ path: problemField(kind, type, e.path), message: e.message })));
      }
    }
    // Derived events a deal's latest stored row no longer implies (won → open, won → lost).
    const latestOfDeal = new Map<string, string[]>();
    results.forEach((result, i) => {
      if (!result.ok || problems[i]!.length > 0) return;
      if (result.dealId !== null) latestOfDeal.set(result.dealId, result.staleIds);
      if (result.unknownPerson !== null && unknownPeople.size <= UNMATCHED_SHOWN) unknownPeople.add(result.unknownPerson);
    });
    const stale = [...latestOfDeal.values()].flat();
    if (stale.length > 0) summary.removed += await deleteEvents(db, workspaceId, stale);

    for (const [i, row] of rows.entries()) {
      if (problems[i]!.length === 0) continue;
      rejected ??= new RejectedWriter(rejectedPath, columns.header);
      await rejected.write(row.line, formatReason(problems[i]!), row.cells);
    }
  };

  const input = createReadStream(file);
  let bytesRead = 0;
  input.on('data', (chunk) => {
    bytesRead += chunk.length;
  });
  // Quotes inside unquoted fields are kept as text (relax_quotes) rather than stopping the file.
  const parser = parse({ bom: true, raw: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  const lineOf = createLineCounter();
  let batch: PendingRow[] = [];
  let line = 1;
  try {
    // Awaiting each batch inside the loop pauses the parser, and with it the file (back-pressure).
    for await (const item of parser as AsyncIterable<unknown>) {
      if (!isParsedRecord(item)) throw new Error('csv-parse returned a record without its raw text');
      line = lineOf(item.raw);
      if (!layout) {
        layout = resolveHeader(kind, item.record, options.fieldMap ?? new Map());
        summary.ignoredColumns = layout.ignored;
        continue;
      }
      // Rows of empty cells (spreadsheets export them as ",,,,") are blank lines, not deals.
      if (item.record.every((cell) => cell.trim() === '')) continue;
      summary.rowsRead += 1;
      batch.push({ line, cells: item.record });
      if (batch.length >= batchRows) {
        await flush(batch);
        batch = [];
        options.onProgress?.({ bytesRead, totalBytes, rowsRead: summary.rowsRead });
      }
    }
    if (!layout) throw new ImportSetupError(`${file} is empty; the first line must be the header`);
    await flush(batch);
    options.onProgress?.({ bytesRead: totalBytes, totalBytes, rowsRead: summary.rowsRead });
  } catch (err) {
    if (err instanceof CsvError) {
      // Rows read before the unreadable part are good rows: store them as the message says.
      await flush(batch);
      throw new ImportSetupError(
        `${file}: cannot read the file after line ${line}: ${err.message}. ${summary.rowsRead === 1 ? 'The row before it was' : `The ${summary.rowsRead} rows before it were`} imported; fix the file and import it again (rows already stored count as duplicates).`,
      );
    }
    throw err;
  } finally {
    input.destroy();
    await rejected?.close();
  }

  summary.rejectedRows = rejected?.count ?? 0;
  summary.rejectedFile = rejected ? rejectedPath : null;
  summary.unmatchedPeople = [...unknownPeople].slice(0, UNMATCHED_SHOWN);
  summary.moreUnmatchedPeople = unknownPeople.size > UNMATCHED_SHOWN;
  summary.seconds = (performance.now() - started) / 1000;
  summary.rowsPerSecond = summary.seconds > 0 ? summary.rowsRead / summary.seconds : 0;
  return summary;
}

/** Checks the input is a readable file before anything else happens; returns its size. */
export async function checkInputFile(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new ImportSetupError(`${file} is not a file`);
    return info.size;
  } catch (err) {
    if (err instanceof ImportSetupError) throw err;
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') throw new ImportSetupError(`${file}: no such file`);
    throw err;
  }
}
