import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * One data-access layer (issue 14): every query lives in src/db. Outside it no file imports a
 * database client (Prisma, Kysely, pg, PGlite) or the generated Prisma code, reads a Database's
 * `prisma`, `kysely`, `query` or `exec`, or touches a value whose type is a Prisma client, a
 * Kysely builder or a pg/PGlite client, however it got there. Opening a transaction
 * (`transactionScript`) is allowed: what runs in it is src/db's functions.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');
const CLIENT = join(SRC, 'db', 'client.ts');
/** A file that is not in the repository: it breaks every rule once, to show that each is caught. */
const PROBE = join(SRC, 'jobs', 'data-access-probe.ts');
const PROBE_TEXT = `
import { sql } from 'kysely';
import type { Prisma } from '../generated/prisma/client.js';
import type { Database } from '../db/client.js';
import { readTeamInputRow } from '../db/team-input-repo.js';
export async function probe(db: Database, tx: Prisma.TransactionClient) {
  await db.prisma.team.findMany();
  await db.query('DELETE FROM delivery');
  await sql\`SELECT 1\`.execute(db.kysely);
  const { prisma } = db;
  await tx.member.count();
  await db.transactionScript(async (runner) => runner.exec('SELECT 1'));
  return [prisma, await readTeamInputRow(db, 1, 'x')];
}
`;

const FORBIDDEN_MODULES = /^(kysely(\/.*)?|@prisma\/.*|prisma|pg|pg-.*|@electric-sql\/pglite(\/.*)?|pglite-prisma-adapter)$/;
const RUNNER_MEMBERS = new Set(['prisma', 'kysely', 'query', 'exec']);
/** Where the types of database clients are declared (node_modules may be a link: TypeScript names real paths). */
const CLIENT_TYPE_HOMES = [
  join(SRC, 'generated'),
  ...['kysely', '@types/pg', '@electric-sql/pglite']
    .map((p) => join(ROOT, 'node_modules', p))
    .filter(existsSync)
    .map((p) => realpathSync(p)),
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === join(SRC, 'generated') ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const outsideDb = (file: string) => !relative(SRC, file).startsWith(`db${sep}`);
const name = (file: string) => relative(ROOT, file).split(sep).join('/');

function program(files: string[]): ts.Program {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (p) => ts.sys.readFile(p));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.fileExists = (f) => resolve(f) === PROBE || fileExists(f);
  host.readFile = (f) => (resolve(f) === PROBE ? PROBE_TEXT : readFile(f));
  host.getSourceFile = (f, lang, ...rest) => (resolve(f) === PROBE ? ts.createSourceFile(f, PROBE_TEXT, lang, true) : getSourceFile(f, lang, ...rest));
  return ts.createProgram([...files, PROBE], options, host);
}

/** Every breach of the rules in one file, as `file:line what`. */
function breaches(prog: ts.Program, file: string): string[] {
  const checker = prog.getTypeChecker();
  const source = prog.getSourceFile(file);
  if (!source) throw new Error(`${name(file)} is not in the program`);
  const found: string[] = [];
  const at = (node: ts.Node, what: string) => found.push(`${name(file)}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1} ${what}`);
  const declaredIn = (symbol: ts.Symbol | undefined, homes: readonly string[]) => (symbol?.declarations ?? []).some((d) => homes.some((home) => resolve(d.getSourceFile().fileName).startsWith(home)));
  const clientType = (node: ts.Expression) => {
    const type = checker.getTypeAtLocation(node);
    return [type, ...(type.isUnion() ? type.types : [])].some((t) => declaredIn(t.getSymbol(), CLIENT_TYPE_HOMES) || declaredIn(t.aliasSymbol, CLIENT_TYPE_HOMES));
  };
  /** Whether a property access breaks a rule (and is reported): the accesses and calls built on it are not reported again. */
  const breaking = (node: ts.PropertyAccessExpression): string | null => {
    if (RUNNER_MEMBERS.has(node.name.text) && declaredIn(checker.getSymbolAtLocation(node.name), [CLIENT])) return `uses the database's ${node.name.text}`;
    if (reported(node.expression)) return null;
    return clientType(node.expression) ? `calls a database client (${node.getText(source)})` : null;
  };
  const reported = (node: ts.Expression): boolean => {
    if (ts.isPropertyAccessExpression(node)) return breaking(node) !== null || reported(node.expression);
    if (ts.isCallExpression(node)) return reported(node.expression);
    return ts.isTaggedTemplateExpression(node) && clientType(node.tag);
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const spec = node.moduleSpecifier.text;
      if (FORBIDDEN_MODULES.test(spec) || (spec.startsWith('.') && resolve(dirname(file), spec).startsWith(join(SRC, 'generated')))) at(node, `imports ${spec}`);
    } else if (ts.isPropertyAccessExpression(node)) {
      const breach = breaking(node);
      if (breach) at(node, breach);
    } else if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) {
      const key = node.propertyName ?? node.name;
      if (ts.isIdentifier(key) && RUNNER_MEMBERS.has(key.text) && declaredIn(checker.getTypeAtLocation(node.parent).getProperty(key.text), [CLIENT])) at(node, `takes the database's ${key.text}`);
    } else if (ts.isTaggedTemplateExpression(node) && clientType(node.tag)) {
      at(node, 'writes SQL with a client tag');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('one data-access layer: queries only in src/db', () => {
  const files = sourceFiles(SRC).filter(outsideDb);
  const prog = program(files);

  it('finds every kind of breach in a probe file that makes each once', () => {
    expect(breaches(prog, PROBE).map((b) => b.replace(/^\S+ /, ''))).toEqual([
      'imports kysely',
      'imports ../generated/prisma/client.js',
      "uses the database's prisma",
      "uses the database's query",
      'writes SQL with a client tag',
      "uses the database's kysely",
      "takes the database's prisma",
      'calls a database client (tx.member)',
      "uses the database's exec",
    ]);
  });

  it('no file outside src/db (and src/generated) calls Prisma, Kysely or a driver, or issues SQL', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap((f) => breaches(prog, f))).toEqual([]);
  });
});
