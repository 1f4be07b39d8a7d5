// Sizes libuv's thread pool for CONCURRENCY images: sharp runs each image on a pool thread
// (one libvips thread each, see convert/sharp-setup.ts), and fs calls share the pool. Its
// size is read once, when it first starts, so only a CommonJS entry (start.cts,
// worker/start.cts) can set it in time; see start.cts. CONCURRENCY images + 4 threads for
// file I/O, unless the environment already asks for more.
import os = require('node:os');

function sizeThreadpool(): void {
  const concurrency = Number(process.env.CONCURRENCY) || os.availableParallelism();
  const wanted = concurrency + 4;
  if (!(Number(process.env.UV_THREADPOOL_SIZE) >= wanted)) {
    process.env.UV_THREADPOOL_SIZE = String(Math.min(1024, wanted));
  }
}

export = { sizeThreadpool };
