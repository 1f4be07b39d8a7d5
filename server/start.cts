// The server's entry point: sizes libuv's thread pool, then loads the server (index.ts).
//
// The pool's size is read once, when it first starts, and an ES module entry is too late to
// set it: Node reads the module files through the pool before the first line of index.ts
// runs (measured: setting it at the top of an ESM entry has no effect). This file is
// CommonJS, loaded with synchronous reads, so setting it here works.
import threadpool = require('./threadpool.cjs');

threadpool.sizeThreadpool();

void import('./index.js');
