// `node --import ./module-log.mjs …` with PACER_TEST_MODULE_LOG=<file>: every file: module the
// process loads through the ES module loader is appended to that file, one URL a line.
import { register } from 'node:module';

register('./module-log-hooks.mjs', import.meta.url, { data: process.env.PACER_TEST_MODULE_LOG });
