import { cp, mkdtemp, readFile, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '../helpers/db.js';
import { freePort } from '../helpers/postgres-server.js';
import { ROOT, runNode, waitFor, type Running } from '../helpers/process.js';

// The build, the launcher and the compiled program, in a copy of what `npm run build` reads
// (src/, the scripts, package.json, the tsconfigs; node_modules and prisma/ linked), so the
// test neither needs nor touches the working copy's own dist/.

const MODULE_LOG = path.join(ROOT, 'tests/helpers/module-log.mjs');
const VERSION = (JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** What only the sandbox and `pacer seed` use; seed/defaults.js is the seed command's option defaults. */
const ON_DEMAND = /\/(sandbox|local-slack|local-crm|seed)\/(?!defaults\.js$)/;

let root: string;
let logs = 0;

/** `node scripts/launch.mjs <args>` in the copy, recording the modules it loads. */
function launch(args: string[], env: Record<string, string> = {}): Running & { modules: () => Promise<string[]> } {
  const log = path.join(root, `modules-${++logs}.log`);
  const running = runNode(['--import', MODULE_LOG, 'scripts/launch.mjs', ...args], { PACER_TEST_MODULE_LOG: log, ...env }, root);
  const modules = async () =>
    (await readFile(log, 'utf8').catch(() => ''))
      .split('\n')
      .filter((url) => url.startsWith('file:'))
      .map((url) => path.relative(root, fileURLToPath(url)));
  return { ...running, modules };
}

/** Pacer's own modules among those loaded (the copy's dist/ and src/, not node_modules). */
const own = (modules: string[]) => modules.filter((m) => m.startsWith('dist/') || m.startsWith('src/'));

async function finished(r: Running): Promise<{ code: number | null; output: string }> {
  const code = await r.exited;
  return { code, output: r.output() };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'pacer-build-'));
  for (const item of ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.mjs', 'scripts/launch.mjs']) {
    await cp(path.join(ROOT, item), path.join(root, item), { recursive: true });
  }
  await symlink(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
  await symlink(path.join(ROOT, 'prisma'), path.join(root, 'prisma'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('without a build', () => {
  it('runs the sources (a fresh clone), and refuses to with NODE_ENV=production', async () => {
    const dev = launch(['cli', '--version']);
    expect(await finished(dev)).toEqual({ code: 0, output: `${VERSION}\n` });
    expect(own(await dev.modules())).toContain('src/cli/index.ts');

    const prod = launch(['cli', '--version'], { NODE_ENV: 'production' });
    expect(await finished(prod)).toEqual({ code: 1, output: 'dist/ holds no finished build: run `npm run build` first (with NODE_ENV=production only a current build runs)\n' });
  });
});

describe('built', () => {
  beforeAll(async () => {
    // Types are checked by `npm run typecheck`; the test compiles only (tsc's --noCheck, a third of the time).
    const build = runNode(['scripts/build.mjs', '--noCheck'], {}, root);
    const { code, output } = await finished(build);
    expect(output).toContain('built dist/');
    expect(code).toBe(0);
  }, 240_000);

  it('answers --version and --help from dist/, loading no sandbox, local Slack, local CRM, generator or database client', async () => {
    const version = launch(['cli', '--version']);
    expect(await finished(version)).toEqual({ code: 0, output: `${VERSION}\n` });
    expect(own(await version.modules())).toContain('dist/cli/index.js');

    const help = launch(['cli', '--help'], { NODE_ENV: 'production' });
    const { code, output } = await finished(help);
    expect(code).toBe(0);
    expect(output).toMatch(/^Usage: pacer \[options\] \[command\]/);
    for (const command of ['migrate', 'import', 'report', 'seed', 'run-job', 'sandbox', 'sync']) expect(output).toContain(`\n  ${command} `);
    expect(output).toContain('alert-scan');
    const loaded = own(await help.modules());
    expect(loaded).toContain('dist/cli/index.js');
    expect(loaded.filter((m) => !m.startsWith('dist/'))).toEqual([]);
    expect(loaded.filter((m) => ON_DEMAND.test(`/${m}`))).toEqual([]);
    // The database client (Prisma, pg, PGlite) is most of a command's start-up: help needs none of it.
    expect(loaded).not.toContain('dist/db/client.js');
  });

  it('never runs a stale build: a changed or added source runs the sources, or is refused with NODE_ENV=production', async () => {
    const source = path.join(root, 'src/text.ts');
    const later = new Date(Date.now() + 60_000);
    await utimes(source, later, later);

    const dev = launch(['cli', '--version']);
    expect(await finished(dev)).toEqual({ code: 0, output: `dist/ is older than src/text.ts: running the TypeScript sources (\`npm run build\` for the faster build)\n${VERSION}\n` });
    expect(own(await dev.modules())).toContain('src/cli/index.ts');
    expect(own(await dev.modules()).filter((m) => m.startsWith('dist/'))).toEqual([]);

    const prod = launch(['cli', '--version'], { NODE_ENV: 'production' });
    expect(await finished(prod)).toEqual({ code: 1, output: 'dist/ is older than src/text.ts: run `npm run build` first (with NODE_ENV=production only a current build runs)\n' });
    const startProd = launch(['--production', 'main']);
    expect((await finished(startProd)).code).toBe(1);
    expect(startProd.output()).toContain('dist/ is older than src/text.ts');

    // Back before the build: current again.
    const earlier = new Date(Date.now() - 3_600_000);
    await utimes(source, earlier, earlier);
    expect(await finished(launch(['cli', '--version'], { NODE_ENV: 'production' }))).toEqual({ code: 0, output: `${VERSION}\n` });

    // A new file changes its folder: stale too (as would a removed or renamed one).
    await writeFile(path.join(root, 'src/metrics/added.ts'), 'export const added = 1;\n');
    const added = launch(['cli', '--version'], { NODE_ENV: 'production' });
    expect((await finished(added)).code).toBe(1);
    expect(added.output()).toContain('dist/ is older than src/metrics');
    await rm(path.join(root, 'src/metrics/added.ts'));
    await utimes(path.join(root, 'src/metrics'), earlier, earlier);

    // A build without its stamp (a failed or interrupted one) never runs either.
    await rename(path.join(root, 'dist/build.json'), path.join(root, 'dist/build.json.aside'));
    const unstamped = launch(['cli', '--version'], { NODE_ENV: 'production' });
    expect((await finished(unstamped)).code).toBe(1);
    expect(unstamped.output()).toContain('dist/ holds no finished build');
    await rename(path.join(root, 'dist/build.json.aside'), path.join(root, 'dist/build.json'));
  });

  it('starts the compiled server against PostgreSQL: /healthz and /readyz on 127.0.0.1, without the sandbox, local Slack, local CRM or generator', async () => {
    const port = await freePort();
    const server = launch(['--production', 'main'], { DATABASE_URL: await createPostgresDatabase(), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    await waitFor(
      () =>
        fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      'the compiled server to answer /healthz',
    );
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(server.output()).toContain('"msg":"Pacer is running"');
    expect(server.output()).toContain('"database":"postgres"');

    const loaded = own(await server.modules());
    expect(loaded).toEqual(expect.arrayContaining(['dist/main.js', 'dist/server-runtime.js', 'dist/db/migrator.js']));
    expect(loaded.filter((m) => !m.startsWith('dist/'))).toEqual([]);
    expect(loaded.filter((m) => ON_DEMAND.test(`/${m}`))).toEqual([]);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
