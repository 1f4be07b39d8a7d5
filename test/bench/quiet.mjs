// Is anything else using the machine? Every timing here assumes the 2 cores are ours.
import { machineBusyTicks, processTree, ticksToSeconds } from './procs.mjs';

function ownAndMachineTicks() {
  let own = 0;
  for (const s of processTree(process.pid).values()) own += s.ticks;
  return { own, machine: machineBusyTicks() };
}

/** Cores kept busy by processes outside this script's tree over the next `ms`. */
export async function otherCores(ms = 3000) {
  const a = ownAndMachineTicks();
  const started = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const b = ownAndMachineTicks();
  const seconds = (performance.now() - started) / 1000;
  return Math.max(0, ticksToSeconds(b.machine - a.machine - (b.own - a.own))) / seconds;
}

/**
 * Waits until the rest of the machine keeps at most `maxCores` busy (checked over 3 s), for
 * at most `maxWaitMs`. Returns the last reading and whether it was quiet.
 */
export async function waitForQuiet({ maxCores = 0.15, maxWaitMs = 600_000, log = () => {} } = {}) {
  const deadline = Date.now() + maxWaitMs;
  let said = false;
  for (;;) {
    const load = await otherCores();
    if (load <= maxCores) return { load, quiet: true };
    if (Date.now() > deadline) return { load, quiet: false };
    if (!said) log(`  waiting for the machine to go quiet (others use ${load.toFixed(2)} cores)…`);
    said = true;
  }
}
