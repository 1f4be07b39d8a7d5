// The server's entry point: sizes libuv's thread pool, then loads the server (index.ts).
//
// sharp runs each image on a libuv pool thread (one libvips thread each, see
// convert/sharp-setup.ts), and fs calls share that pool. The pool's size is read once, when it
// first starts, and an ES module entry is too late to set it: Node reads the module files
// through the pool before the first line of index.ts runs (measured: setting it at the top of
// an ESM entry has no effect). This file is CommonJS, loaded with synchronous reads, so
// setting it here works. CONCURRENCY images + 4 threads for file I/O, unless the environment
// already asks for more.
import os = require('node:os');

const concurrency = Number(process.env.CONCURRENCY) || os.availableParallelism();
const wanted = concurrency + 4;
if (!(Number(process.env.UV_THREADPOOL_SIZE) >= wanted)) {
  process.env.UV_THREADPOOL_SIZE = String(Math.min(1024, wanted));
}

void import('./index.js');
