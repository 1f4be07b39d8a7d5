import { outputAs, outputFormats, type OutputSettings } from '../formats/index.js';
import type { ConversionSettings } from '../presets/index.js';
import { searchQuality, type Goal, type Probe } from './search.js';
import { levelScores } from './levels.js';
import { targetDefaults, type TargetOptions } from './schema.js';

/**
 * One conversion's encode step under a target, the same on both sides: the workers and the
 * server supply the encoder and the metric, this decides what to try and what to keep. It
 * searches each allowed format (the preset's own first), keeps the smallest file that meets
 * the target, and for a size cap that no quality meets can step the dimensions down.
 */

export interface TargetSide {
  /** Encodes the source, scaled by `scale` (1 = as resized), in `output`: the final bytes. */
  encode(output: OutputSettings, scale: number): Promise<Uint8Array>;
  /** The perceptual distance of `encoded` from the source at the same scale (lower is closer). */
  score(encoded: Uint8Array, output: OutputSettings, scale: number): Promise<number>;
}

export interface TargetRequest {
  target: TargetOptions;
  /** The formats to try with their options; the first is the preset's own. */
  outputs: readonly OutputSettings[];
  /** The metric value a visual level allows (levels.ts). */
  maxScore: number;
  /**
   * What earlier files of the same target settled on, per format: a batch's photos tend to land
   * near each other, so the search starts there (and it learns this file's answer).
   */
  memory?: QualityMemory;
}

/** How one format fared: what it made, or why it could not. */
export interface FormatTrial {
  format: OutputSettings['format'];
  bytes?: number;
  quality?: number;
  score?: number;
  attempts: number;
  /** Why this format has no result. */
  failed?: string;
}

export interface TargetResult {
  bytes: Uint8Array;
  /** The settings that made `bytes` (with the chosen quality). */
  output: OutputSettings;
  /** 1 unless a size cap made the picture smaller. */
  scale: number;
  score?: number;
  /** Encodes spent over every format. */
  attempts: number;
  trials: FormatTrial[];
}

/**
 * The qualities recent files settled on, per target and format: one per worker (or server
 * process), kept across conversions. The median of the last few is the next first guess.
 */
export class QualityMemory {
  #recent = new Map<string, number[]>();

  guess(key: string): number | undefined {
    const q = this.#recent.get(key);
    if (!q?.length) return undefined;
    const sorted = [...q].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }

  remember(key: string, quality: number): void {
    const q = this.#recent.get(key) ?? [];
    q.push(quality);
    if (q.length > 5) q.shift();
    this.#recent.set(key, q);
  }
}

/** What makes two searches alike: the target's limit and the encoder with its other options. */
function memoryKey(target: TargetOptions, output: OutputSettings): string {
  const { quality: _, ...rest } = output.options as { quality?: number };
  const limit = target.mode === 'size' ? target.maxKB : `${target.metric} ${target.level}`;
  return `${target.mode} ${limit} ${output.format} ${JSON.stringify(rest)}`;
}

/** No allowed format met the target; the message says how close each came. */
export class TargetMissed extends Error {
  constructor(readonly trials: FormatTrial[]) {
    super(trials.map((t) => t.failed).join('; '));
    this.name = 'TargetMissed';
  }
}

/** Encodes at most this many times per format: enough to bisect 0–100 to one step. */
export const maxAttemptsPerFormat = 7;
/** How far under the limit a result may stop (5 % under a size cap, 10 % under a score). */
const slack = { size: 0.05, visual: 0.1 };
/** Size steps down at most this many times, each aiming at the cap from the last miss. */
const maxShrinkSteps = 4;

/**
 * The quality option a search can turn, or undefined for lossless settings (PNG, lossless).
 * From 1: libvips takes 1–100, so the server and the workers search the same range.
 */
export function qualityKnob(output: OutputSettings): { min: number; max: number } | undefined {
  const o = output.options as { quality?: number; lossless?: boolean };
  if (o.quality === undefined || o.lossless) return undefined;
  return { min: 1, max: 100 };
}

const withQuality = (output: OutputSettings, quality: number): OutputSettings =>
  ({ ...output, options: { ...output.options, quality } }) as OutputSettings;

const kB = (bytes: number) => `${Math.ceil(bytes / 1000)} kB`;

/** Encodes to the target in every allowed format and keeps the smallest that meets it. */
export async function encodeToTarget(side: TargetSide, req: TargetRequest): Promise<TargetResult> {
  const trials: FormatTrial[] = [];
  let best: Omit<TargetResult, 'attempts' | 'trials'> | undefined;
  let attempts = 0;
  for (const output of req.outputs) {
    const r = await encodeOne(side, req, output);
    attempts += r.trial.attempts;
    trials.push(r.trial);
    if (r.result && (!best || r.result.bytes.length < best.bytes.length)) best = r.result;
  }
  if (!best) throw new TargetMissed(trials);
  return { ...best, attempts, trials };
}

async function encodeOne(
  side: TargetSide,
  req: TargetRequest,
  output: OutputSettings,
): Promise<{ result?: Omit<TargetResult, 'attempts' | 'trials'>; trial: FormatTrial }> {
  const { target } = req;
  const label = outputFormats[output.format].label;
  const knob = qualityKnob(output);
  let attempts = 0;
  const made = new Map<string, Uint8Array>();
  const encode = async (settings: OutputSettings, scale: number) => {
    attempts++;
    const bytes = await side.encode(settings, scale);
    made.set(`${scale} ${JSON.stringify(settings.options)}`, bytes);
    return bytes;
  };
  const done = (settings: OutputSettings, scale: number, score?: number) => {
    const bytes = made.get(`${scale} ${JSON.stringify(settings.options)}`)!;
    const quality = (settings.options as { quality?: number }).quality;
    return {
      result: { bytes, output: settings, scale, score },
      trial: {
        format: output.format,
        bytes: bytes.length,
        quality: knob ? quality : undefined,
        score,
        attempts,
      },
    };
  };
  const failed = (why: string) => ({ trial: { format: output.format, attempts, failed: why } });

  if (target.mode === 'quality') {
    await encode(output, 1);
    return done(output, 1);
  }

  if (target.mode === 'visual') {
    if (!knob) {
      // Lossless output: nothing to trade, and nothing lost to measure.
      await encode(output, 1);
      return done(output, 1, 0);
    }
    const goal: Goal = { kind: 'visual', maxScore: req.maxScore, slack: slack.visual };
    const search = await searchQuality({
      goal,
      ...knob,
      first: req.memory?.guess(memoryKey(target, output)) ?? 80,
      maxAttempts: maxAttemptsPerFormat,
      probe: async (quality): Promise<Probe> => {
        const settings = withQuality(output, quality);
        const bytes = await encode(settings, 1);
        return { quality, bytes: bytes.length, score: await side.score(bytes, settings, 1) };
      },
    });
    if (search.best) {
      req.memory?.remember(memoryKey(target, output), search.best.quality);
      return done(withQuality(output, search.best.quality), 1, search.best.score);
    }
    const c = search.closest!;
    return failed(
      `${label} cannot look that close to the original: at quality ${c.quality} it scores ` +
        `${c.score!.toFixed(4)}, the level allows ${req.maxScore}`,
    );
  }

  // A size cap: search the quality at full size, then step the dimensions down if allowed.
  const maxBytes = target.maxKB * 1000;
  const goal: Goal = { kind: 'size', maxBytes, slack: slack.size };
  let scale = 1;
  for (let step = 0; ; step++) {
    let smallest: number;
    if (!knob) {
      const bytes = await encode(output, scale);
      if (bytes.length <= maxBytes) return done(output, scale);
      smallest = bytes.length;
    } else {
      const at = scale;
      const search = await searchQuality({
        goal,
        ...knob,
        first: req.memory?.guess(memoryKey(target, output)) ?? 75,
        maxAttempts: maxAttemptsPerFormat,
        probe: async (quality) => ({
          quality,
          bytes: (await encode(withQuality(output, quality), at)).length,
        }),
      });
      if (search.best) {
        if (scale === 1) req.memory?.remember(memoryKey(target, output), search.best.quality);
        return done(withQuality(output, search.best.quality), scale);
      }
      smallest = search.closest!.bytes;
    }
    if (!target.shrink || step === maxShrinkSteps) {
      const where = knob ? ` at quality ${knob.min}` : '';
      const size = scale < 1 ? ` at ${Math.round(scale * 100)} % of the size` : '';
      return failed(
        `${label} does not fit in ${target.maxKB} kB: the smallest file${where}${size} is ` +
          `${kB(smallest)} (${Math.round((smallest / maxBytes - 1) * 100)} % over)` +
          (target.shrink ? '' : '; allow making the picture smaller to fit it'),
      );
    }
    // Bytes follow the pixel count, so the side scales by the root of the ratio, less a margin.
    scale *= Math.min(0.9, Math.sqrt(maxBytes / smallest) * 0.95);
  }
}

/** What a report keeps of a target's result: no bytes, plain numbers (crosses the wire). */
export interface TargetReport {
  /** The quality chosen; undefined for lossless settings. */
  quality?: number;
  /** Encodes spent. */
  attempts: number;
  /** The kept file's score by the target's metric (visual targets). */
  score?: number;
  /** 1 unless a size cap made the picture smaller. */
  scale: number;
  /** Each format tried and how it fared (several when the preset allows several). */
  trials: FormatTrial[];
}

export function targetReport(r: TargetResult): TargetReport {
  const quality = qualityKnob(r.output)
    ? (r.output.options as { quality: number }).quality
    : undefined;
  return { quality, attempts: r.attempts, score: r.score, scale: r.scale, trials: r.trials };
}

/** The outputs a conversion tries: the settings' own, then each other allowed format (outputAs). */
export function outputsToTry(settings: ConversionSettings): OutputSettings[] {
  const others = (settings.alsoTry ?? []).filter((f) => f !== settings.output.format);
  return [settings.output, ...others.map((f) => outputAs(settings.output, f))];
}

/** The request a conversion's settings make, with the side's memory of recent answers. */
export function requestFor(settings: ConversionSettings, memory?: QualityMemory): TargetRequest {
  const target = settings.target ?? targetDefaults;
  return {
    target,
    outputs: outputsToTry(settings),
    memory,
    maxScore: levelScores[target.metric][target.level],
  };
}

/** Whether a conversion goes through encodeToTarget: a search, or several formats to compare. */
export function searches(settings: ConversionSettings): boolean {
  return (settings.target?.mode ?? 'quality') !== 'quality' || outputsToTry(settings).length > 1;
}

/**
 * Never bigger: whether the original should be kept instead of an output of `outputBytes`,
 * which must be at least `minSaving` % smaller than the input's `inputBytes` to be used.
 */
export function keepsOriginal(
  target: TargetOptions | undefined,
  inputBytes: number,
  outputBytes: number,
): boolean {
  if (!target?.keepOriginal) return false;
  return outputBytes > inputBytes * (1 - target.minSaving / 100) || outputBytes >= inputBytes;
}
