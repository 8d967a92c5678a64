import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/** What the sandbox remembers across restarts beside its database: the demo's clock. */
const SandboxStateSchema = z.object({
  workspace: z.string(),
  /** The end of the generated data: the clock's start. */
  end: z.iso.datetime(),
  /** Days the clock was advanced ("advance a week"); the generated activity of those days is stored. */
  advancedDays: z.number().min(0),
  /** The demo org's generator options (absent in sandboxes made before advancing generated activity). */
  demo: z.object({ reps: z.number().int(), weeks: z.number().int(), seed: z.number().int() }).optional(),
  /** Where the demo org's record links point (absent likewise). */
  crmBaseUrl: z.string().optional(),
});
export type SandboxState = z.output<typeof SandboxStateSchema>;

export const sandboxStatePath = (dataDir: string) => path.join(dataDir, 'sandbox.json');

export async function readSandboxState(dataDir: string): Promise<SandboxState | null> {
  let text: string;
  try {
    text = await readFile(sandboxStatePath(dataDir), 'utf8');
  } catch {
    return null;
  }
  const parsed = SandboxStateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${sandboxStatePath(dataDir)} is unreadable; start over with \`npm run pacer -- sandbox --reset\``);
  return parsed.data;
}

export async function writeSandboxState(dataDir: string, state: SandboxState): Promise<void> {
  await writeFile(sandboxStatePath(dataDir), `${JSON.stringify(state, null, 2)}\n`, 'utf8');
}

/** Deletes the sandbox's database and state (the caller holds the data directory's lock). */
export async function resetSandbox(dataDir: string): Promise<void> {
  await rm(path.join(dataDir, 'pglite'), { recursive: true, force: true });
  await rm(sandboxStatePath(dataDir), { force: true });
  await rm(path.join(dataDir, 'sandbox.config.yaml'), { force: true });
}
