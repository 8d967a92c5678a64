import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Every link and path in the repository's files leads somewhere in the repository: nothing points
// outside it (the contract documents are restated under docs/), no relative link or path in a
// comment or doc names a file that is not there, and every `docs/X.md "Section"` citation names a
// heading of that page. Links to vendors' documentation (Slack, HubSpot, Salesforce) are URLs and
// are not checked here.

const ROOT = path.resolve(import.meta.dirname, '../..');

/** This file plants a problem of each kind in its examples. */
const SELF = path
  .relative(ROOT, import.meta.filename)
  .split(path.sep)
  .join('/');

/** Tracked text files: sources, docs and configs (package-lock.json and this file left out). */
const FILES = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(ts|md|ya?ml|json|prisma|mjs)$/.test(f) && f !== 'package-lock.json' && f !== SELF && existsSync(path.join(ROOT, f)));

// Built from parts, so this file does not name what it looks for.
const OUTSIDE = [['..', 'shared'].join('/'), ['shared', 'docs'].join('/')];
/** The contract documents' names, which must be cited by their place in the repository. */
const CONTRACT_NAMES = /(?<![\w/.-])(metrics|interfaces|architecture|product|style)\.md\b/g;
/** A path into the repository's top folders; one inside a URL or another path is preceded by / and left alone. */
const REPO_PATH = /(?<![\w./@~$-])(?:docs|src|tests|bench|scripts|prisma)\/[\w./-]*\w/g;
/** `docs/metrics.md "Events"`, `docs/interfaces.md, "Benchmarks"`, `[docs/api.md](api.md) "Errors"`. */
const CITATION = /docs\/([\w-]+\.md)(?:\]\([^)\s]*\))?,?[ \t]*\n?[ \t]*(?:\*|\/\/|#)?[ \t]*"([^"]+)"/g;
const MD_LINK = /\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;
const HTML_LINK = /\b(?:src|href)="([^"]+)"/g;

export interface Problem {
  file: string;
  problem: string;
}

const exists = (relative: string) => existsSync(path.join(ROOT, relative));

/** The headings of a markdown page, as written after the #s. */
function headings(page: string): Set<string> {
  return new Set([...page.matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*$/gm)].map((m) => m[1]!));
}

/** A section name as cited, on one line: a comment's continuation marks between its lines go. */
const oneLine = (section: string) => section.replace(/\s*\n\s*(?:\*|\/\/|#)?\s*/g, ' ').trim();

/** The comments of a source file (`//`, `///` and block comments), one after the other. */
function commentsOf(source: string): string {
  return [...source.matchAll(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g)].map((m) => m[0]).join('\n');
}

/** Every problem in one file's text; `readPage` gives a repository page's text, or undefined. */
export function problemsIn(file: string, text: string, readPage: (relative: string) => string | undefined): Problem[] {
  const problems: Problem[] = [];
  const add = (problem: string) => problems.push({ file, problem });
  for (const needle of OUTSIDE) if (text.includes(needle)) add(`points outside the repository (${needle})`);

  const dir = path.posix.dirname(file);
  if (file.endsWith('.md')) {
    for (const m of [...text.matchAll(MD_LINK), ...text.matchAll(HTML_LINK)]) {
      const target = m[1]!;
      if (/^(?:[a-z][a-z0-9+.-]*:|#)/i.test(target)) continue;
      const relative = path.posix.normalize(path.posix.join(dir, decodeURI(target.split('#', 1)[0]!)));
      if (relative.startsWith('..')) add(`links outside the repository: ${target}`);
      else if (!exists(relative)) add(`links to ${target}, which does not exist`);
    }
  }
  // Link targets are relative to the page; the text around them is read as written. In code only
  // comments are prose: an import of 'prisma/config' names a package, not a folder.
  const prose = (/\.(ts|mjs|prisma)$/.test(file) ? commentsOf(text) : text).replace(MD_LINK, ']()');
  for (const m of prose.matchAll(REPO_PATH)) if (!exists(m[0])) add(`names ${m[0]}, which does not exist`);
  for (const m of prose.matchAll(CONTRACT_NAMES)) add(`cites ${m[0]} without its place; write docs/${m[0]}`);
  for (const m of text.matchAll(CITATION)) {
    const page = readPage(`docs/${m[1]!}`);
    const section = oneLine(m[2]!);
    if (page === undefined) add(`cites docs/${m[1]!}, which does not exist`);
    else if (!headings(page).has(section)) add(`cites docs/${m[1]!} "${section}", which has no such heading`);
  }
  return problems;
}

const readPage = (relative: string) => (exists(relative) ? readFileSync(path.join(ROOT, relative), 'utf8') : undefined);

describe('links and paths in the repository', () => {
  it('reads the files it checks', () => {
    expect(FILES).toEqual(expect.arrayContaining(['README.md', 'docs/metrics.md', 'src/main.ts', 'prisma/schema.prisma', 'tests/unit/config-doc.test.ts']));
    expect(FILES).not.toContain(SELF);
  });

  it('finds each kind of problem in a planted text', () => {
    const planted = [
      `see ${OUTSIDE[0]}/notes.md`,
      '[the metrics](missing.md)',
      '// src/metrics/nowhere.ts has it',
      'as metrics.md says',
      'docs/metrics.md "No such section"',
      '(docs/interfaces.md, "Benchmarks")',
      '[docs/metrics.md](metrics.md) "Events"',
      '/** docs/metrics.md "Do the indicators predict\n * results on this team?" */',
    ].join('\n');
    expect(problemsIn('docs/planted.md', planted, readPage).map((p) => p.problem)).toEqual([
      `points outside the repository (${OUTSIDE[0]})`,
      'links to missing.md, which does not exist',
      'names src/metrics/nowhere.ts, which does not exist',
      'cites metrics.md without its place; write docs/metrics.md',
      'cites docs/metrics.md "No such section", which has no such heading',
    ]);
    // In code, comments are read and import specifiers are not.
    const code = "import { x } from 'src/nowhere/imported';\n// as src/nowhere/commented.ts says\n";
    expect(problemsIn('src/planted.ts', code, readPage).map((p) => p.problem)).toEqual(['names src/nowhere/commented.ts, which does not exist']);
  });

  it('every tracked file links and cites only what exists', () => {
    const problems = FILES.flatMap((file) => problemsIn(file, readFileSync(path.join(ROOT, file), 'utf8'), readPage));
    expect(problems).toEqual([]);
  });
});
