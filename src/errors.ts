/** Errors a user can act on. `code` is stable (logs, HTTP bodies); `message` says what to do. */
export class PacerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The embedded database directory is held by another, running, process. */
export class DatabaseLockedError extends PacerError {
  constructor(dataDir: string, ownerPid: number | undefined) {
    super(
      'database_locked',
      `The embedded database in ${dataDir} is in use by another Pacer process${ownerPid === undefined ? '' : ` (pid ${ownerPid})`}. ` +
        'Stop that process first, or set DATABASE_URL to use PostgreSQL, which allows several processes.',
    );
  }
}

/** The HTTP port cannot be listened on: taken by another process, or not allowed. */
export class PortUnavailableError extends PacerError {
  constructor(host: string, port: number, cause: unknown) {
    const code = (cause as { code?: unknown } | null)?.code;
    super(
      'port_unavailable',
      code === 'EACCES'
        ? `Pacer may not listen on ${host}:${port} (permission denied): set PORT to a port above 1023.`
        : `Port ${port} on ${host} is already in use (another Pacer, or another program, is listening there): stop it, or set PORT to a free port.`,
      { cause },
    );
  }
}

/** A listen() failure as PortUnavailableError when it is the port's fault (in use, not allowed); anything else as it was. */
export function listenFailure(err: unknown, host: string, port: number): Error {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE' || code === 'EACCES') return new PortUnavailableError(host, port, err);
  return err instanceof Error ? err : new Error(String(err));
}

/** Environment variables are missing, malformed or combined in a way Pacer cannot run with. */
export class EnvError extends PacerError {
  constructor(readonly problems: string[]) {
    super('bad_environment', `Pacer cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** One problem in an input document, at a path such as `teams[1].members[3].email`. */
export interface InputProblem {
  path: string;
  message: string;
}

/** A problem in a text file, with the line and column of the node it is about when known. */
export interface LocatedProblem extends InputProblem {
  line?: number;
  column?: number;
}

/** `path: message (line 12, column 7)`; the parts that are unknown are left out. */
export function describeProblem(p: LocatedProblem): string {
  const where = p.line === undefined ? '' : ` (line ${p.line}${p.column === undefined ? '' : `, column ${p.column}`})`;
  return `${p.path ? `${p.path}: ` : ''}${p.message}${where}`;
}

export class ConfigError extends PacerError {
  constructor(
    readonly file: string,
    readonly problems: LocatedProblem[],
  ) {
    super('bad_config', `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` + problems.map((p) => `  ${describeProblem(p)}`).join('\n'));
  }
}

/** The PostgreSQL server named by DATABASE_URL cannot be reached or refuses the connection. */
export class DatabaseUnreachableError extends PacerError {
  constructor(where: string, reason: string, options?: ErrorOptions) {
    super('database_unreachable', `Cannot connect to ${where}: ${reason}. Check DATABASE_URL and that the server is running and accepts connections.`, options);
  }
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
