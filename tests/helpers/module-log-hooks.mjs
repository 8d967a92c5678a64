// Loader hooks of module-log.mjs: they run on the loader's own thread, so each URL is written
// synchronously as it loads and none is lost when the process exits.
import { appendFileSync } from 'node:fs';

let logFile;

export function initialize(file) {
  logFile = file;
}

export async function load(url, context, nextLoad) {
  if (logFile && url.startsWith('file:')) appendFileSync(logFile, `${url}\n`);
  return nextLoad(url, context);
}
