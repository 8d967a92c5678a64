import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { KyselyTransactionError } from '../../src/db/kysely.js';
import { createTestDatabase, DATABASE_KINDS } from '../helpers/db.js';

const TABLES_FILE = fileURLToPath(new URL('../../src/db/tables.ts', import.meta.url));

/** Per table, per column: the type src/db/tables.ts writes for it, as text. */
function declaredTables(): Map<string, Map<string, string>> {
  const source = ts.createSourceFile(TABLES_FILE, readFileSync(TABLES_FILE, 'utf8'), ts.ScriptTarget.Latest, true);
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node)) interfaces.set(node.name.text, node);
  });
  const members = (decl: ts.InterfaceDeclaration) => decl.members.filter(ts.isPropertySignature).map((p) => [p.name.getText(source), p.type?.getText(source) ?? ''] as const);
  const db = interfaces.get('DB');
  if (!db) throw new Error('src/db/tables.ts has no DB interface');
  return new Map(
    members(db).map(([table, typeName]) => {
      const decl = interfaces.get(typeName);
      if (!decl) throw new Error(`DB.${table} names ${typeName}, which src/db/tables.ts does not declare`);
      return [table, new Map(members(decl))];
    }),
  );
}

/** The TypeScript type a column's PostgreSQL type reads as through src/db/kysely.ts. */
function expectedType(column: { data_type: string; udt_name: string }): RegExp {
  switch (column.data_type) {
    case 'integer':
    case 'double precision':
      return /^number$/;
    case 'bigint':
      return /^Int8$/;
    case 'numeric':
      return /^Numeric$/;
    case 'text':
      return /^string$/;
    case 'boolean':
      return /^boolean$/;
    case 'date':
      return /^DateColumn$/;
    case 'timestamp with time zone':
      return /^Timestamp$/;
    case 'json':
    case 'jsonb':
      return /^Json<.+>$/;
    case 'ARRAY':
      if (column.udt_name === '_text') return /^string\[\]$/;
      break;
    case 'USER-DEFINED':
      return new RegExp(`^${column.udt_name}$`);
  }
  throw new Error(`no TypeScript type known for ${column.data_type} (${column.udt_name}): add it to src/db/tables.ts and to this test`);
}

/** A declared type without Defaulted<…> and `| null`, and whether each was there. */
function unwrap(declared: string): { base: string; generated: boolean; nullable: boolean } {
  const generated = /^Defaulted<(.*)>$/s.exec(declared);
  const inner = generated ? generated[1]! : declared;
  const parts = inner.split('|').map((p) => p.trim());
  const nullable = parts.includes('null');
  return { base: parts.filter((p) => p !== 'null').join(' | '), generated: generated !== null, nullable };
}

describe('src/db/tables.ts against the database the migrations build', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase('embedded');
  });
  afterAll(() => db.close());

  it('names every table and column with its type, nullability and default', async () => {
    const columns = await db.query<{ table_name: string; column_name: string; data_type: string; udt_name: string; is_nullable: 'YES' | 'NO'; column_default: string | null }>(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
       ORDER BY table_name, ordinal_position`,
    );
    const declared = declaredTables();
    expect(columns.length).toBeGreaterThan(100);
    expect([...declared.keys()].sort()).toEqual([...new Set(columns.map((c) => c.table_name))].sort());
    const problems: string[] = [];
    for (const table of declared.keys()) {
      const inDatabase = columns.filter((c) => c.table_name === table).map((c) => c.column_name);
      const inTypes = [...declared.get(table)!.keys()];
      if (inDatabase.sort().join() !== inTypes.sort().join()) problems.push(`${table}: the database has (${inDatabase.join(', ')}), tables.ts (${inTypes.join(', ')})`);
    }
    for (const c of columns) {
      const written = declared.get(c.table_name)?.get(c.column_name);
      if (written === undefined) continue;
      const { base, generated, nullable } = unwrap(written);
      const where = `${c.table_name}.${c.column_name}: ${written}`;
      if (!expectedType(c).test(base)) problems.push(`${where} does not read as ${c.data_type} (${c.udt_name})`);
      if (nullable !== (c.is_nullable === 'YES')) problems.push(`${where}: the column is ${c.is_nullable === 'YES' ? 'nullable' : 'NOT NULL'}`);
      if (generated !== (c.column_default !== null)) problems.push(`${where}: the column ${c.column_default === null ? 'has no default' : `defaults to ${c.column_default}`}`);
    }
    expect(problems).toEqual([]);
  });
});

describe.each(DATABASE_KINDS)('Kysely on the %s database', (kind) => {
  let db: Database;
  let workspaceId: number;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    const created = await db.kysely
      .insertInto('workspace')
      .values({ slack_team_id: 'TKYSELY', updated_at: new Date('2026-01-05T10:00:00Z') })
      .returning(['id', 'data_version', 'created_at'])
      .executeTakeFirstOrThrow();
    workspaceId = created.id;
  });
  afterAll(() => db.close());

  it('reads bigint and date columns as tables.ts says, the same on both drivers', async () => {
    await db.query('UPDATE workspace SET data_version = $2 WHERE id = $1', [workspaceId, '9007199254740993']);
    await db.query(`INSERT INTO member (workspace_id, email, name, start_date, updated_at) VALUES ($1, 'k@example.com', 'K', '2026-03-29', now())`, [workspaceId]);
    const row = await db.kysely
      .selectFrom('workspace as w')
      .innerJoin('member as m', 'm.workspace_id', 'w.id')
      .select(['w.data_version', 'm.start_date', 'w.updated_at'])
      .where('w.id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ data_version: '9007199254740993', start_date: '2026-03-29', updated_at: new Date('2026-01-05T10:00:00Z') });
  });

  it("runs a transactionScript runner's queries on that transaction: its writes are seen inside and undone with it", async () => {
    const failure = new Error('stop here');
    await expect(
      db.transactionScript(async (tx) => {
        await tx.kysely.updateTable('workspace').set({ name: 'inside' }).where('id', '=', workspaceId).execute();
        const seen = await tx.kysely.selectFrom('workspace').select('name').where('id', '=', workspaceId).executeTakeFirstOrThrow();
        const raw = await tx.query<{ name: string }>('SELECT name FROM workspace WHERE id = $1', [workspaceId]);
        expect([seen.name, raw[0]?.name]).toEqual(['inside', 'inside']);
        throw failure;
      }),
    ).rejects.toBe(failure);
    const after = await db.kysely.selectFrom('workspace').select('name').where('id', '=', workspaceId).executeTakeFirstOrThrow();
    expect(after.name).toBeNull();

    await db.transactionScript(async (tx) => {
      await sql`UPDATE workspace SET name = ${'committed'} WHERE id = ${workspaceId}`.execute(tx.kysely);
    });
    expect((await db.kysely.selectFrom('workspace').select('name').where('id', '=', workspaceId).executeTakeFirstOrThrow()).name).toBe('committed');
  });

  it("reports affected rows, and refuses Kysely's own transactions for transactionScript", async () => {
    const result = await db.kysely.updateTable('workspace').set({ currency: 'EUR' }).where('id', '=', workspaceId).executeTakeFirst();
    expect(result.numUpdatedRows).toBe(1n);
    await expect(db.kysely.transaction().execute(async () => undefined)).rejects.toBeInstanceOf(KyselyTransactionError);
  });
});
