// `pixpool`'s entry point: sizes libuv's thread pool before anything uses it, as the server's
// start.cts does, then loads the CLI (main.ts). The pool is sized before commander reads the
// flags, so `-j`/`--concurrency` is read here first, as CONCURRENCY.
import threadpool = require('../threadpool.cjs');

const args = process.argv.slice(2);
const at = args.findIndex((a) => a === '-j' || a === '--concurrency');
const given =
  at >= 0
    ? args[at + 1]
    : args.find((a) => /^(-j|--concurrency=)\d+$/.test(a))?.replace(/^(-j|--concurrency=)/, '');
if (given && /^\d+$/.test(given)) process.env.CONCURRENCY = given;
threadpool.sizeThreadpool();

void import('./main.js');
