import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/postgres-server.js';
import { ROOT, run, waitFor } from '../helpers/process.js';

const up = (url: string) =>
  fetch(url).then(
    (r) => r.ok,
    () => false,
  );

describe('the Pacer process', () => {
  it('with no Slack, database or config, runs the sandbox: one line with its address, kept across restarts, others kept out', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-proc-'));
    const port = await freePort();
    const env = { PACER_DATA_DIR: dir, PORT: String(port), PACER_CONFIG: '' };
    const server = run(['src/main.ts'], env);
    await waitFor(() => server.output().includes('Pacer sandbox: http'), 'the sandbox address', 150_000);
    const lines = server.output().trim().split('\n');
    expect(lines).toEqual([`Pacer sandbox: generating a demo org in ${dir} (first run only, about 10 seconds)…`, `Pacer sandbox: http://127.0.0.1:${port}/`]);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('person-picker');
    const people = (await (await fetch(`http://127.0.0.1:${port}/sandbox/api/people`)).json()) as { people: unknown[] };
    expect(people.people.length).toBeGreaterThan(20);

    // A second process on the same embedded database is told plainly and exits 1.
    const cli = run(['src/cli/index.ts', 'migrate'], env);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain(`The embedded database in ${dir} is in use by another Pacer process`);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    // Restarted, it keeps its demo org (no generation) and serves again.
    const again = run(['src/main.ts'], env);
    await waitFor(() => again.output().includes('Pacer sandbox: http'), 'the restarted sandbox', 60_000);
    expect(again.output()).not.toContain('generating');
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    // Reset starts it over.
    const reset = run(['src/cli/index.ts', 'sandbox', '--reset'], env);
    expect(await reset.exited).toBe(0);
    expect(reset.output()).toContain('sandbox reset');
  }, 240_000);

  it('refuses an incomplete Slack setup with one message naming each problem', async () => {
    const r = run(['src/main.ts'], { SLACK_BOT_TOKEN: 'xoxb-secret-value', PORT: 'x' });
    expect(await r.exited).toBe(1);
    expect(r.output()).toContain('PORT');
    expect(r.output()).not.toContain('xoxb-secret-value');
  });

  it('applies the config at start and again on SIGHUP', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-proc-'));
    const configPath = path.join(dir, 'pacer.yaml');
    const example = await readFile(path.join(ROOT, 'pacer.config.example.yaml'), 'utf8');
    await writeFile(configPath, example);
    const port = await freePort();
    const env = { PACER_DATA_DIR: path.join(dir, 'data'), PORT: String(port), HOST: '127.0.0.1', PACER_CONFIG: configPath, LOG_LEVEL: 'info' };
    const server = run(['src/main.ts'], env);
    await waitFor(() => up(`http://127.0.0.1:${port}/readyz`), 'readiness');
    await waitFor(() => server.output().includes('coaching config applied'), 'config applied at start');
    // A config but no Slack: the APIs alone, and it says so.
    expect(server.output()).toContain('Slack is not configured: serving the ingestion API');

    await writeFile(configPath, example.replace(/timezone: America\/Chicago/, 'timezone: Mars/Base'));
    server.child.kill('SIGHUP');
    await waitFor(() => server.output().includes('coaching config not applied'), 'an invalid config refused on SIGHUP');
    const refusal = server
      .output()
      .split('\n')
      .find((l) => l.includes('coaching config not applied'))!;
    expect(JSON.parse(refusal).err.problems).toEqual([expect.objectContaining({ path: 'teams[0].timezone', message: '"Mars/Base" is not an IANA time zone' })]);

    await writeFile(configPath, example);
    const applied = server.output().split('coaching config applied').length;
    server.child.kill('SIGHUP');
    await waitFor(() => server.output().split('coaching config applied').length > applied, 'config re-applied on SIGHUP');
    expect(await up(`http://127.0.0.1:${port}/healthz`)).toBe(true);
  });
});

describe('the api-key command', () => {
  it('prints a new key once, alone on the last line, lists keys without them, and revokes one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-keys-'));
    const env = { PACER_DATA_DIR: dir };
    const created = run(['src/cli/index.ts', 'api-key', 'create', '--workspace', 'T0KEYS', '--scope', 'read'], env);
    expect(await created.exited).toBe(0);
    const lines = created.output().trim().split('\n');
    const key = lines[lines.length - 1]!;
    expect(key).toMatch(/^pacer_read_[\w-]{32}$/);
    expect(created.output()).toContain('created workspace T0KEYS');

    const listed = run(['src/cli/index.ts', 'api-key', 'list'], env);
    expect(await listed.exited).toBe(0);
    expect(listed.output()).not.toContain(key);
    expect(listed.output()).toMatch(/1\s+T0KEYS\s+read\s+pacer_read_\S+…\s+\S+\s+never\s+active/);

    const revoked = run(['src/cli/index.ts', 'api-key', 'revoke', '1'], env);
    expect(await revoked.exited).toBe(0);
    const again = run(['src/cli/index.ts', 'api-key', 'revoke', '1'], env);
    expect(await again.exited).toBe(1);
    expect(again.output()).toContain('no active API key #1');
  });
});
