import { LogLevel, type Logger as SlackLogger } from '@slack/logger';
import { redactUrlsInText, type Logger } from '../logger.js';

const toPino: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

/**
 * Bolt's and the Web API client's logs go through Pacer's pino logger (one logger, tokens
 * redacted). Bolt writes request URLs into its messages (the OAuth redirect's code and state
 * among them), so their query secrets are redacted too.
 */
export function boltLogger(logger: Logger): SlackLogger {
  let child = logger.child({ component: 'slack' });
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) => {
      const [first, ...rest] = msg;
      if (first instanceof Error) child[level]({ err: first }, redactUrlsInText(rest.map(String).join(' ') || first.message));
      else child[level](redactUrlsInText(msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ')));
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: (level) => {
      child.level = toPino[level];
    },
    getLevel: () => {
      const level = Object.entries(toPino).find(([, v]) => v === child.level)?.[0];
      return (level as LogLevel | undefined) ?? LogLevel.INFO;
    },
    setName: (name) => {
      child = logger.child({ component: name });
    },
  };
}
