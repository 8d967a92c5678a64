// `npm run build`: compiles src/ into dist/ (tsconfig.build.json: ESM with source maps), copies
// beside the modules the other files they read at run time (fonts, the sandbox's page), and
// stamps the build in dist/build.json for scripts/launch.mjs. Arguments go to tsc.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');
const DIST = path.join(ROOT, 'dist');

// Taken before reading a source, so a file changed during the build makes the build stale.
const sourcesAsOf = new Date();
// A clean dist/: a removed source must not leave its module behind, nor a failed build a stamp.
rmSync(DIST, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), ...process.argv.slice(2)], { stdio: 'inherit' });
if (compiled.status !== 0) {
  process.stderr.write('build failed: dist/ is incomplete and will not run\n');
  process.exit(compiled.status ?? 1);
}

/** Every file under src/ that tsc does not compile, copied to the same place under dist/. */
function copyAssets(from, to) {
  let copied = 0;
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copied += copyAssets(source, target);
    else if (!entry.name.endsWith('.ts')) {
      mkdirSync(to, { recursive: true });
      copyFileSync(source, target);
      copied += 1;
    }
  }
  return copied;
}
const assets = copyAssets(SRC, DIST);

writeFileSync(path.join(DIST, 'build.json'), `${JSON.stringify({ sourcesAsOf: sourcesAsOf.toISOString() })}\n`);
process.stdout.write(`built dist/ from src/ (${assets} other files copied); \`npm run start:prod\` runs it\n`);
