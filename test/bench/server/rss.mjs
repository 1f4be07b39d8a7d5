// The server process's resident memory, from /proc/<pid>/status (Linux only).
import { readFileSync } from 'node:fs';

/** VmRSS and VmHWM (the kernel's own peak-RSS mark) of `pid`, in KiB; undefined once it exited. */
export function readRss(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]);
  return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
}

/**
 * Samples VmRSS every `everyMs` (at most `maxSamples` times); `mark(name)` starts a phase,
 * `summary()` gives the peak overall and per phase in MiB and MB (10^6 bytes).
 */
export class RssSampler {
  #timer;
  samples = [];
  marks = [];

  constructor(pid, { everyMs = 200, maxSamples = 50_000 } = {}) {
    this.pid = pid;
    this.everyMs = everyMs;
    this.maxSamples = maxSamples;
  }

  start() {
    this.sample();
    this.#timer = setInterval(() => this.sample(), this.everyMs);
    return this;
  }

  sample() {
    if (this.samples.length >= this.maxSamples) return this.stop();
    const r = readRss(this.pid);
    if (r) this.samples.push({ t: performance.now(), ...r });
  }

  mark(name) {
    this.sample();
    this.marks.push({ name, index: this.samples.length - 1 });
  }

  stop() {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  summary() {
    const mib = (kib) => kib / 1024;
    const mb = (kib) => (kib * 1024) / 1e6;
    const peak = (list) => Math.max(...list.map((s) => s.rssKiB));
    const phases = {};
    this.marks.forEach((m, i) => {
      const end = this.marks[i + 1]?.index ?? this.samples.length - 1;
      const slice = this.samples.slice(m.index, end + 1);
      if (slice.length) phases[m.name] = { peakRssMiB: mib(peak(slice)), samples: slice.length };
    });
    const all = this.samples;
    const last = all[all.length - 1];
    const tenth = Math.max(1, Math.floor(all.length / 10));
    return {
      everyMs: this.everyMs,
      samples: all.length,
      startRssMiB: mib(all[0]?.rssKiB),
      peakRssMiB: mib(peak(all)),
      peakRssMB: mb(peak(all)),
      /** VmHWM at the last sample: the true peak since the process started, between samples too. */
      hwmMiB: mib(last?.hwmKiB),
      hwmMB: mb(last?.hwmKiB),
      endRssMiB: mib(last?.rssKiB),
      /** Growth over a long run shows as a last tenth above the first. */
      peakFirstTenthMiB: mib(peak(all.slice(0, tenth))),
      peakLastTenthMiB: mib(peak(all.slice(-tenth))),
      phases,
      /** One sample per second, for the JSON. */
      timeline: all
        .filter((_, i) => i % Math.max(1, Math.round(1000 / this.everyMs)) === 0)
        .map((s) => [Math.round(s.t - all[0].t), Math.round(mib(s.rssKiB))]),
    };
  }
}
