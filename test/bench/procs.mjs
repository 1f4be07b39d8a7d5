// Memory and CPU of a process tree, read from /proc (Linux only).
import { readdirSync, readFileSync } from 'node:fs';

const pageKiB = 4;
const hz = 100; // USER_HZ: /proc's clock ticks per second on Linux

function read(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process exited between listing and reading
  }
}

const pids = () =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);

/** ppid, cumulative CPU ticks and RSS of one process, from /proc/<pid>/stat. */
function stat(pid) {
  const s = read(`/proc/${pid}/stat`);
  if (!s) return undefined;
  // The command name may contain spaces and parentheses: fields start after the last ')'.
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15, rss 24.
  return {
    ppid: Number(f[1]),
    ticks: Number(f[11]) + Number(f[12]),
    rssKiB: Number(f[21]) * pageKiB,
  };
}

/** Proportional set size: shared pages split among the processes mapping them. */
function pssKiB(pid) {
  const m = /^Pss:\s+(\d+) kB/m.exec(read(`/proc/${pid}/smaps_rollup`) ?? '');
  return m ? Number(m[1]) : 0;
}

/** The browser process Playwright started with this profile (not its children, which have --type=). */
export function findBrowserPid(userDataDir) {
  for (const pid of pids()) {
    const args = (read(`/proc/${pid}/cmdline`) ?? '').split('\0');
    if (
      args.includes(`--user-data-dir=${userDataDir}`) &&
      !args.some((a) => a.startsWith('--type='))
    ) {
      return pid;
    }
  }
  return undefined;
}

/** Every process's stat line, by pid. */
function scan() {
  const all = new Map();
  for (const pid of pids()) {
    const s = stat(pid);
    if (s) all.set(pid, s);
  }
  return all;
}

/** `root` and all its descendants, with their stat lines. */
export function processTree(root, all = scan()) {
  const tree = new Map();
  const walk = [root];
  while (walk.length) {
    const pid = walk.pop();
    if (!all.has(pid) || tree.has(pid)) continue;
    tree.set(pid, all.get(pid));
    for (const [child, s] of all) if (s.ppid === pid) walk.push(child);
  }
  return tree;
}

/** Busy CPU ticks of the whole machine since boot (everything but idle and iowait). */
export function machineBusyTicks() {
  const cpu = read('/proc/stat').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  return cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6] + cpu[7];
}

/** CPU seconds used by the machine and by a tree between two snapshots. */
export const ticksToSeconds = (ticks) => ticks / hz;

/**
 * Samples every `everyMs` the total RSS and PSS (MiB) of the tree under `memRoot` (the browser,
 * or the sharp process), and the CPU of the tree under `cpuRoot` (this script, which owns the
 * browser, vite preview and the sharp process) against the whole machine's. Phases are marked
 * with `mark(name)`; `phase()` gives peaks and how many cores other processes on the machine
 * kept busy meanwhile: a busy neighbour skews every timing here.
 */
export class TreeSampler {
  #memRoot;
  #cpuRoot;
  #timer;
  #cpuByPid = new Map();
  samples = [];
  marks = [];

  constructor(memRoot, { cpuRoot = process.pid, everyMs = 200, pssEvery = 10 } = {}) {
    this.#memRoot = memRoot;
    this.#cpuRoot = cpuRoot;
    this.everyMs = everyMs;
    // Reading smaps_rollup costs ~5 ms per Chromium process (their address spaces are huge,
    // wasm reserves), so PSS is read on every `pssEvery`-th sample only; RSS comes from stat.
    this.pssEvery = pssEvery;
  }

  start() {
    this.sample();
    this.#timer = setInterval(() => this.sample(), this.everyMs);
    return this;
  }

  stop() {
    clearInterval(this.#timer);
    this.sample();
  }

  sample() {
    const all = scan();
    const tree = processTree(this.#memRoot, all);
    const withPss = this.samples.length % this.pssEvery === 0;
    let rss = 0;
    let pss = 0;
    for (const [pid, s] of tree) {
      rss += s.rssKiB;
      if (withPss) pss += pssKiB(pid);
    }
    // Processes that exit keep their last count. Exited children are also in the parent's
    // cutime, which /proc/<pid>/stat reports separately and is not read here.
    for (const [pid, s] of processTree(this.#cpuRoot, all)) this.#cpuByPid.set(pid, s.ticks);
    let ownTicks = 0;
    for (const t of this.#cpuByPid.values()) ownTicks += t;
    this.samples.push({
      t: performance.now(),
      processes: tree.size,
      rssMiB: rss / 1024,
      pssMiB: withPss ? pss / 1024 : undefined,
      ownTicks,
      machineTicks: machineBusyTicks(),
    });
  }

  mark(name) {
    this.sample();
    this.marks.push({ name, t: performance.now(), index: this.samples.length - 1 });
  }

  /** Peaks and CPU between mark `from` and mark `to` (or the last sample). */
  phase(from, to) {
    const a = this.marks.find((m) => m.name === from);
    const b = to ? this.marks.find((m) => m.name === to) : undefined;
    const slice = this.samples.slice(a?.index ?? 0, (b?.index ?? this.samples.length - 1) + 1);
    const first = slice[0];
    const last = slice[slice.length - 1];
    const seconds = (last.t - first.t) / 1000;
    const pss = slice.filter((s) => s.pssMiB !== undefined).map((s) => s.pssMiB);
    const own = ticksToSeconds(last.ownTicks - first.ownTicks);
    const machine = ticksToSeconds(last.machineTicks - first.machineTicks);
    return {
      seconds,
      peakRssMiB: Math.max(...slice.map((s) => s.rssMiB)),
      peakPssMiB: pss.length ? Math.max(...pss) : NaN,
      peakProcesses: Math.max(...slice.map((s) => s.processes)),
      /** Cores this script's process tree kept busy on average. */
      ownCores: seconds ? own / seconds : 0,
      /** Cores everything else on the machine kept busy on average. */
      otherCores: seconds ? Math.max(0, machine - own) / seconds : 0,
    };
  }
}

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
