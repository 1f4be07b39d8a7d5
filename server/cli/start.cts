// `pixpool`'s entry point: sizes libuv's thread pool before anything uses it, as the server's
// start.cts does, then loads the CLI (main.ts).
import threadpool = require('../threadpool.cjs');

threadpool.sizeThreadpool();

void import('./main.js');
