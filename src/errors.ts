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

/** The embedded database directory is held by another process. */
export class DatabaseLockedError extends PacerError {
  constructor(dataDir: string, options?: ErrorOptions) {
    super(
      'database_locked',
      `The embedded database in ${dataDir} is in use by another Pacer process. ` +
        'Stop that process first, or set DATABASE_URL to use PostgreSQL, which allows several processes.',
      options,
    );
  }
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

export class ConfigError extends PacerError {
  constructor(
    readonly file: string,
    readonly problems: InputProblem[],
  ) {
    super(
      'bad_config',
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'),
    );
  }
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
