import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/postgres-server.js';
import { ROOT, run, STACK_LINE, type Running } from '../helpers/process.js';

/** Nine aliases per level, seven levels deep: 9^7 copies if expanded ("billion laughs"). */
const ALIAS_BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  ...'bcdefg'.split('').map((k, i) => {
    const prev = 'abcdefg'[i]!;
    return `${k}: &${k} [${Array.from({ length: 9 }, () => `*${prev}`).join(',')}]`;
  }),
].join('\n');

/** The message of the one fatal log line the server wrote before exiting. */
function fatalMessage(r: Running): string {
  const fatal = r
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string })
    .filter((l) => l.level === 60);
  expect(fatal).toHaveLength(1);
  return fatal[0]!.msg;
}

async function expectCleanExit(r: Running): Promise<void> {
  expect(await r.exited).toBe(1);
  expect(r.output()).not.toMatch(STACK_LINE);
}

describe('an error at start is one message, exit 1, no stack trace', () => {
  it('names the line and column of a schema error in the config', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-start-'));
    const example = await readFile(path.join(ROOT, 'pacer.config.example.yaml'), 'utf8');
    const lines = example.split('\n');
    const line = lines.findIndex((l) => l.includes('timezone: America/Chicago'));
    const column = lines[line]!.indexOf('America/Chicago') + 1;
    const configPath = path.join(dir, 'pacer.yaml');
    await writeFile(configPath, example.replace('timezone: America/Chicago', 'timezone: Mars/Base'));

    const server = run(['src/main.ts'], { PACER_DATA_DIR: path.join(dir, 'data'), PORT: String(await freePort()), PACER_CONFIG: configPath });
    await expectCleanExit(server);
    expect(fatalMessage(server)).toBe(`${configPath}: 1 problem:\n  teams[0].timezone: "Mars/Base" is not an IANA time zone (line ${line + 1}, column ${column})`);
  });

  it('refuses a YAML alias bomb, at start and in `config check`', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pacer-start-'));
    const configPath = path.join(dir, 'pacer.yaml');
    await writeFile(configPath, ALIAS_BOMB);
    const problem = 'its aliases (*name) expand to more than 100 copies; write the repeated values out instead (line 2, column 8)';

    const server = run(['src/main.ts'], { PACER_DATA_DIR: path.join(dir, 'data'), PORT: String(await freePort()), PACER_CONFIG: configPath });
    await expectCleanExit(server);
    expect(fatalMessage(server)).toBe(`${configPath}: 1 problem:\n  ${problem}`);

    const check = run(['src/cli/index.ts', 'config', 'check', configPath], {});
    await expectCleanExit(check);
    expect(check.output()).toBe(`${configPath}: ${problem}\n`);
  });

  it('names an unreachable PostgreSQL server, without its password', async () => {
    const port = await freePort();
    const env = { DATABASE_URL: `postgres://pacer:hunter2-secret@127.0.0.1:${port}/pacer`, PORT: String(await freePort()), PACER_CONFIG: '' };
    const message = `Cannot connect to PostgreSQL at 127.0.0.1:${port}/pacer: connect ECONNREFUSED 127.0.0.1:${port}. ` + 'Check DATABASE_URL and that the server is running and accepts connections.';

    const server = run(['src/main.ts'], env);
    await expectCleanExit(server);
    expect(fatalMessage(server)).toBe(message);

    const cli = run(['src/cli/index.ts', 'migrate'], env);
    await expectCleanExit(cli);
    expect(cli.output()).toBe(`${message}\n`);
    expect(server.output() + cli.output()).not.toContain('hunter2-secret');
  });
});
