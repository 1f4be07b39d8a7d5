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
    const args = (read(`/proc/${pid}/cmdline`) ?? '').split(/[\0 ]/);
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

const cpuLine = () => read('/proc/stat').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);

/** Busy CPU ticks of the whole machine since boot (everything but idle and iowait). */
export function machineBusyTicks() {
  const cpu = cpuLine();
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  return cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6] + cpu[7];
}

/** Ticks the hypervisor gave our virtual CPUs to someone else (another VM on the host). */
const stealTicks = () => cpuLine()[7];

/** /proc clock ticks to seconds. */
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
  #kinds = new Map();
  #ticksByPid = new Map();
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
    const byKind = {};
    for (const [pid, s] of tree) {
      rss += s.rssKiB;
      if (withPss) pss += pssKiB(pid);
      const kind = this.#kind(pid);
      byKind[kind] = (byKind[kind] ?? 0) + s.rssKiB / 1024;
      this.#ticksByPid.set(pid, { kind, ticks: s.ticks });
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
      byKind,
      ownTicks,
      machineTicks: machineBusyTicks(),
      stealTicks: stealTicks(),
    });
  }

  /** Chromium's role for the process ('renderer', 'gpu-process', 'utility:storage…', 'browser'). */
  #kind(pid) {
    if (!this.#kinds.has(pid)) {
      const args = (read(`/proc/${pid}/cmdline`) ?? '').split(/[\0 ]/);
      const type = args.find((a) => a.startsWith('--type='))?.slice(7);
      const sub = args
        .find((a) => a.startsWith('--utility-sub-type='))
        ?.split('.')[0]
        .slice(19);
      const extra = args.includes('--top-chrome-webui') ? ':webui' : '';
      this.#kinds.set(
        pid,
        pid === this.#memRoot ? 'browser' : `${type ?? '?'}${sub ? `:${sub}` : ''}${extra}`,
      );
    }
    return this.#kinds.get(pid);
  }

  /** CPU ticks so far per process kind, and per named thread of each kind (`kind/thread`). */
  #cpuSnapshot() {
    const kinds = {};
    for (const { kind, ticks } of this.#ticksByPid.values())
      kinds[kind] = (kinds[kind] ?? 0) + ticks;
    const threads = {};
    for (const [pid, { kind }] of this.#ticksByPid) {
      let tids;
      try {
        tids = readdirSync(`/proc/${pid}/task`);
      } catch {
        continue; // exited
      }
      for (const tid of tids) {
        const st = read(`/proc/${pid}/task/${tid}/stat`);
        if (!st) continue;
        const name = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
        const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
        const key = `${kind}/${name}`;
        threads[key] = (threads[key] ?? 0) + Number(f[11]) + Number(f[12]);
      }
    }
    return { kinds, threads };
  }

  mark(name) {
    this.sample();
    const cpu = this.#cpuSnapshot();
    this.marks.push({ name, t: performance.now(), index: this.samples.length - 1, cpu });
  }

  /**
   * Cores used per process kind between two marks, and per thread name for threads alive at
   * both marks (a recycled worker's thread is not; its time is in its process's total).
   */
  cpuBetween(from, to) {
    const a = this.marks.find((m) => m.name === from);
    const b = this.marks.find((m) => m.name === to);
    const seconds = (b.t - a.t) / 1000;
    const diff = (x, y, min = 0) =>
      Object.fromEntries(
        Object.entries(y)
          .filter(([k]) => k in x)
          .map(([k, v]) => [k, ticksToSeconds(v - x[k]) / seconds])
          .filter(([, v]) => v > min)
          .sort((p, q) => q[1] - p[1]),
      );
    return {
      kinds: diff(a.cpu.kinds, b.cpu.kinds),
      threads: diff(a.cpu.threads, b.cpu.threads, 0.005),
    };
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
    const peakOf = (part) => Math.max(...part.map((s) => s.rssMiB));
    const tenth = Math.max(1, Math.floor(slice.length / 10));
    const kinds = {};
    for (const s of slice) {
      for (const [k, v] of Object.entries(s.byKind)) kinds[k] = Math.max(kinds[k] ?? 0, v);
    }
    return {
      seconds,
      /** RSS when the phase began: the idle browser, for the converting phase. */
      startRssMiB: first.rssMiB,
      peakRssMiB: peakOf(slice),
      /** Peaks in the first and last tenth of the phase: growth over a long run shows here. */
      peakRssFirstTenthMiB: peakOf(slice.slice(0, tenth)),
      peakRssLastTenthMiB: peakOf(slice.slice(-tenth)),
      /** Peak RSS per kind of process (each kind's own peak; they need not coincide). */
      peakRssByKindMiB: kinds,
      peakPssMiB: pss.length ? Math.max(...pss) : NaN,
      peakProcesses: Math.max(...slice.map((s) => s.processes)),
      /** Cores this script's process tree kept busy on average. */
      ownCores: seconds ? own / seconds : 0,
      /** Cores everything else on the machine kept busy on average (steal included). */
      otherCores: seconds ? Math.max(0, machine - own) / seconds : 0,
      /** Of which taken by the hypervisor for other VMs (steal time). */
      stealCores: seconds ? ticksToSeconds(last.stealTicks - first.stealTicks) / seconds : 0,
    };
  }
}
