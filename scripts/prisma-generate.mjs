// Runs `prisma generate` offline. The Prisma 7 CLI insists on locating a native schema engine
// before generating, though generate never runs it; when none is configured we name an existing
// file so the CLI does not try to download one (this machine kind has no route to Prisma's CDN).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(new URL('../package.json', import.meta.url));
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const result = spawnSync('prisma', ['generate'], { stdio: 'inherit', env, shell: process.platform === 'win32' });
process.exit(result.status ?? 1);
