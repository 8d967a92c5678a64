// Starts a Pacer entry point — `main` (the server, `npm start`) or `cli` (`npm run pacer`) — from
// the compiled build in dist/ or from the TypeScript sources through tsx:
//   - NODE_ENV=production (or --production, which also sets it): dist/ only. A missing, failed or
//     stale build is refused with what to run; the sources are never run instead.
//   - otherwise: dist/ when its build is newer than every file and folder under src/, else the
//     sources (with one line on stderr when a build exists but is stale).
// A build is current when `npm run build` finished (dist/build.json) after the sources' last
// change; a deployment that ships dist/ without src/ is current by definition. The check stats
// src/ (a few hundred entries, milliseconds) and loads the program into this same process.
//
// Usage: node [node options] scripts/launch.mjs [--production] <main|cli> [arguments…]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(import.meta.dirname, '..');
const ENTRIES = { main: 'main', cli: 'cli/index' };

/** Why the build cannot run (undefined when it can): no build, or a source changed after it. */
function buildProblem(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(path.join(root, 'dist', 'build.json'), 'utf8'));
  } catch {
    return { kind: 'missing', message: 'dist/ holds no finished build' };
  }
  const builtFrom = Date.parse(stamp.sourcesAsOf);
  if (!Number.isFinite(builtFrom)) return { kind: 'missing', message: 'dist/build.json is not a build stamp' };
  const newer = newerThan(path.join(root, 'src'), builtFrom);
  if (newer) return { kind: 'stale', message: `dist/ is older than ${path.relative(root, newer)}` };
  return undefined;
}

/** The first file or folder under dir changed after the instant (a folder changes when an entry is added, removed or renamed). */
function newerThan(dir, instant) {
  let entries;
  try {
    if (statSync(dir).mtimeMs > instant) return dir;
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = newerThan(full, instant);
      if (found) return found;
    } else if (statSync(full).mtimeMs > instant) return full;
  }
  return undefined;
}

async function launch(argv) {
  const production = argv[0] === '--production';
  const [name, ...args] = production ? argv.slice(1) : argv;
  const entry = Object.hasOwn(ENTRIES, name) ? ENTRIES[name] : undefined;
  if (!entry) {
    process.stderr.write(`usage: node scripts/launch.mjs [--production] <${Object.keys(ENTRIES).join('|')}> [arguments…]\n`);
    return 2;
  }
  if (production) process.env.NODE_ENV = 'production';
  const problem = buildProblem(ROOT);
  let file;
  if (!problem) {
    file = path.join(ROOT, 'dist', `${entry}.js`);
    // Stack traces then name the TypeScript lines (the build's source maps; a few % more start-up CPU).
    process.setSourceMapsEnabled(true);
  } else if (process.env.NODE_ENV === 'production') {
    process.stderr.write(`${problem.message}: run \`npm run build\` first (with NODE_ENV=production only a current build runs)\n`);
    return 1;
  } else {
    if (problem.kind === 'stale') process.stderr.write(`${problem.message}: running the TypeScript sources (\`npm run build\` for the faster build)\n`);
    await import('tsx');
    file = path.join(ROOT, 'src', `${entry}.ts`);
  }
  // The program reads its arguments from process.argv[2…], as if started as `node <file> …`.
  process.argv = [process.argv[0], file, ...args];
  await import(pathToFileURL(file).href);
  return undefined;
}

const code = await launch(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
