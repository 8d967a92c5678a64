import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layering of src/slack and src/commands (docs/architecture.md): slash commands use Slack's
 * renderers and helpers, never the other way round, so neither side can start a cycle.
 */

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every module specifier a file names: imports, re-exports (type-only too) and dynamic import(). */
function specifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      found.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** A relative specifier as the source file it names (`./x.js` → x.ts or x/index.ts); null for packages. */
function resolveLocal(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = resolve(dirname(from), specifier);
  const candidates = [target.replace(/\.js$/, '.ts'), target, `${target}.ts`, join(target, 'index.ts')];
  const found = candidates.find((c) => c.endsWith('.ts') && existsSync(c));
  if (!found) throw new Error(`${relative(SRC, from)} imports ${specifier}, which names no source file`);
  return found;
}

const files = sourceFiles(SRC);
const graph = new Map(
  files.map((f) => [
    f,
    [
      ...new Set(
        specifiers(f)
          .map((s) => resolveLocal(f, s))
          .filter((t): t is string => t !== null),
      ),
    ],
  ]),
);
const under = (area: string) => (file: string) => relative(SRC, file).split(sep)[0] === area;
const inSlack = under('slack');
const inCommands = under('commands');
const name = (file: string) => relative(SRC, file).split(sep).join('/');

/** The files reachable from `start` (itself left out unless a cycle leads back to it). */
function reachable(start: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(graph.get(start) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(graph.get(next) ?? []));
  }
  return seen;
}

describe('import graph of src/slack and src/commands', () => {
  it('reads the graph it checks: commands import Slack renderers, and listeners exist on both sides', () => {
    expect(files.filter(inSlack).length).toBeGreaterThan(10);
    expect(files.filter(inCommands).some((f) => (graph.get(f) ?? []).some(inSlack))).toBe(true);
  });

  it('no file under src/slack imports from src/commands', () => {
    const offending = files.filter(inSlack).flatMap((f) => (graph.get(f) ?? []).filter(inCommands).map((t) => `${name(f)} → ${name(t)}`));
    expect(offending).toEqual([]);
  });

  it('nothing src/slack depends on, however indirectly, leads to src/commands', () => {
    const offending = files.filter(inSlack).flatMap((f) => [...reachable(f)].filter(inCommands).map((t) => `${name(f)} ⇢ ${name(t)}`));
    expect(offending).toEqual([]);
  });

  it('no module under src/commands takes part in an import cycle', () => {
    const cyclic = files
      .filter(inCommands)
      .filter((f) => reachable(f).has(f))
      .map(name);
    expect(cyclic).toEqual([]);
  });
});
