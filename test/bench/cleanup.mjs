// Child processes (vite preview, Chromium, the sharp loop) must not outlive the benchmark,
// whether it ends normally, throws, or is interrupted.
const tasks = new Set();

/** Registers `fn` to run at exit; returns a function that unregisters it. */
export function onCleanup(fn) {
  tasks.add(fn);
  return () => tasks.delete(fn);
}

/** Runs every registered task once (async ones are awaited, with a time limit). */
export async function cleanupAll() {
  const pending = [...tasks];
  tasks.clear();
  for (const fn of pending.reverse()) {
    try {
      await Promise.race([fn(), new Promise((r) => setTimeout(r, 10_000))]);
    } catch (e) {
      console.error('cleanup:', e?.message ?? e);
    }
  }
}

/** Synchronous last resort for `process.on('exit')`: async tasks cannot finish there. */
function cleanupSync() {
  for (const fn of tasks) {
    try {
      fn();
    } catch {
      // exiting anyway
    }
  }
  tasks.clear();
}

let installed = false;

/** Makes SIGINT, SIGTERM and exit run the cleanup. */
export function installCleanupHandlers() {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupSync);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, async () => {
      console.error(`\n${signal}: stopping child processes…`);
      await cleanupAll();
      process.exit(130);
    });
  }
}
