import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

/** Creates database `name` on the server of `adminUrl`; returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function scalar<T>(client: pg.Client, sql: string, params: unknown[] = []): Promise<T> {
  const { rows } = await client.query<{ v: T }>(sql, params);
  if (!rows[0]) throw new Error(`no row from ${sql}`);
  return rows[0].v;
}

/** The columns an ingested event fills (id and received_at come from their defaults). */
export const EVENT_COLUMNS = 'workspace_id, external_id, type, occurred_at, identity_id, lead_id, deal_id, amount, stage, lead_source, metadata, version, content_hash';

/** Writes the stored events, in insertion order, to `file` in COPY's text format; returns the rows written. */
export async function exportEvents(client: pg.Client, file: string): Promise<number> {
  const stream = client.query(copyTo(`COPY (SELECT ${EVENT_COLUMNS} FROM activity_event ORDER BY id) TO STDOUT`));
  await pipeline(stream, createWriteStream(file));
  return stream.rowCount;
}

/** COPY of `file` (COPY text format) into activity_event; returns the rows copied. */
export async function copyEvents(client: pg.Client, file: string): Promise<number> {
  const stream = client.query(copyFrom(`COPY activity_event (${EVENT_COLUMNS}) FROM STDIN`));
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), stream);
  return stream.rowCount;
}
