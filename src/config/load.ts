/**
 * Reads the coaching config from disk: one YAML file, or (when PACER_CONFIG names a directory)
 * every *.yaml / *.yml file in it, one workspace each. A missing path is not an error — Pacer
 * starts with an empty workspace — so it is told apart from an invalid file, which throws
 * ConfigError with every problem found.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isNode, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { ConfigError, type LocatedProblem } from '../errors.js';
import { formatPath, parseCoachingConfig, sourceEnvironmentProblems, type CoachingConfig } from './coaching.js';

/**
 * How many alias expansions (`*name`) one file may make. A real config needs a handful; nested
 * aliases multiply (the "billion laughs" attack), and yaml stops at this count instead of
 * exhausting memory.
 */
export const MAX_YAML_ALIASES = 100;

/** A valid file may still carry warnings: settings that are allowed but probably not meant. */
export type FileCheck = { file: string; ok: true; config: CoachingConfig; warnings: LocatedProblem[] } | { file: string; ok: false; problems: LocatedProblem[] };

export type ConfigCheck =
  /** Nothing at the path: start with an empty workspace. */
  | { kind: 'missing'; path: string }
  /** One entry per file read (a directory with no YAML file gives none). */
  | { kind: 'checked'; path: string; files: FileCheck[] };

export interface LoadedConfig {
  file: string;
  config: CoachingConfig;
}

export type ConfigLoad = { kind: 'missing'; path: string } | { kind: 'loaded'; path: string; configs: LoadedConfig[] };

/** The first line of a yaml error without the position the pretty printer appended to it. */
function bareMessage(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
}

/** Line and column of the node at `at`, or of its nearest ancestor when the key is absent. */
function locate(doc: Document, lines: LineCounter, at: readonly PropertyKey[]): { line: number; column: number } | undefined {
  for (let n = at.length; n >= 0; n -= 1) {
    const keys = at.slice(0, n);
    const node: unknown = keys.length === 0 ? doc.contents : doc.getIn(keys, true);
    if (isNode(node) && node.range) {
      const { line, col } = lines.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return undefined;
}

/** Where the first alias of the document is, to point at when its aliases cannot be expanded. */
function firstAlias(doc: Document, lines: LineCounter): { line: number; column: number } | undefined {
  let at: { line: number; column: number } | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (!node.range) return undefined;
      const { line, col } = lines.linePos(node.range[0]);
      at = { line, column: col };
      return visit.BREAK;
    },
  });
  return at;
}

function aliasMessage(err: ReferenceError): string {
  return /excessive alias count/i.test(err.message)
    ? `its aliases (*name) expand to more than ${MAX_YAML_ALIASES} copies; write the repeated values out instead`
    : `a YAML alias cannot be resolved: ${bareMessage(err.message)}`;
}

export interface CheckOptions {
  /**
   * The environment the sources' `env:NAME` references are looked up in (`config check`): a
   * variable not set there is a problem. Applying a config does not look (a source without its
   * credentials reports that as its own error, and the rest of the config still applies).
   */
  env?: NodeJS.ProcessEnv;
}

/** Checks one YAML text; `file` only names it in messages. */
export function checkConfigText(text: string, file: string, options: CheckOptions = {}): FileCheck {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  // yaml's warnings (unknown tags and the like) would silently change values: refuse them too.
  const syntax = [...doc.errors, ...doc.warnings];
  if (syntax.length > 0) {
    return {
      file,
      ok: false,
      problems: syntax.map((err) => {
        const pos = err.linePos?.[0];
        return { path: '', message: pos ? `line ${pos.line}, column ${pos.col}: ${bareMessage(err.message)}` : bareMessage(err.message) };
      }),
    };
  }
  if (doc.contents === null) return { file, ok: false, problems: [{ path: '', message: 'the file is empty; it needs workspace and teams' }] };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    // yaml throws a ReferenceError when aliases expand past maxAliasCount (or name no anchor).
    if (!(err instanceof ReferenceError)) throw err;
    return { file, ok: false, problems: [{ path: '', message: aliasMessage(err), ...firstAlias(doc, lines) }] };
  }
  const parsed = parseCoachingConfig(value);
  const missing = parsed.ok && options.env ? sourceEnvironmentProblems(parsed.config.sources, options.env) : [];
  if (missing.length > 0) {
    return { file, ok: false, problems: missing.map((p) => ({ path: formatPath(p.path), message: p.message, ...locate(doc, lines, p.path) })) };
  }
  if (parsed.ok) {
    const warnings = parsed.config.warnings.map((w) => ({ path: formatPath(w.path), message: w.message, ...locate(doc, lines, w.path) }));
    return { file, ok: true, config: parsed.config, warnings };
  }
  return {
    file,
    ok: false,
    problems: parsed.problems.map(({ path: p, message, at }) => ({ path: p, message, ...locate(doc, lines, at) })),
  };
}

/** Parses one YAML text; throws ConfigError with every problem. */
export function parseConfigText(text: string, file: string): CoachingConfig {
  const checked = checkConfigText(text, file);
  if (!checked.ok) throw new ConfigError(file, checked.problems);
  return checked.config;
}

function isMissing(err: unknown): boolean {
  return err instanceof Error && 'code' in err && (err.code === 'ENOENT' || err.code === 'ENOTDIR');
}

async function checkFile(file: string, options: CheckOptions): Promise<FileCheck> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { file, ok: false, problems: [{ path: '', message: `cannot be read: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  return checkConfigText(text, file, options);
}

/** Two files for one workspace would overwrite each other's teams on every apply. */
function flagRepeatedWorkspaces(files: FileCheck[]): FileCheck[] {
  const firstFile = new Map<string, string>();
  return files.map((f) => {
    if (!f.ok) return f;
    const first = firstFile.get(f.config.workspace.id);
    if (first === undefined) {
      firstFile.set(f.config.workspace.id, f.file);
      return f;
    }
    return {
      file: f.file,
      ok: false,
      problems: [{ path: 'workspace.id', message: `"${f.config.workspace.id}" is configured in ${first} already; use one file per workspace` }],
    };
  });
}

/** Checks the file or directory at `configPath` without throwing for invalid content. */
export async function checkConfigPath(configPath: string, options: CheckOptions = {}): Promise<ConfigCheck> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(configPath)).isDirectory();
  } catch (err) {
    if (isMissing(err)) return { kind: 'missing', path: configPath };
    throw err;
  }
  if (!isDirectory) return { kind: 'checked', path: configPath, files: [await checkFile(configPath, options)] };
  const names = (await readdir(configPath, { withFileTypes: true }))
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => e.name)
    .sort();
  const files = await Promise.all(names.map((name) => checkFile(path.join(configPath, name), options)));
  return { kind: 'checked', path: configPath, files: flagRepeatedWorkspaces(files) };
}

/**
 * Loads every workspace config at `configPath`. Throws ConfigError naming each problem; with
 * several invalid files in a directory, each problem's path starts with its file's name.
 */
export async function loadCoachingConfig(configPath: string): Promise<ConfigLoad> {
  const checked = await checkConfigPath(configPath);
  if (checked.kind === 'missing') return checked;
  const bad = checked.files.filter((f) => !f.ok);
  if (bad.length === 1 && bad[0] && !bad[0].ok) throw new ConfigError(bad[0].file, bad[0].problems);
  if (bad.length > 1) {
    throw new ConfigError(
      configPath,
      bad.flatMap((f) => (f.ok ? [] : f.problems.map((p) => ({ ...p, path: `${path.basename(f.file)}${p.path ? ` ${p.path}` : ''}` })))),
    );
  }
  return { kind: 'loaded', path: configPath, configs: checked.files.flatMap((f) => (f.ok ? [{ file: f.file, config: f.config }] : [])) };
}
