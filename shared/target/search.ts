/**
 * The quality search behind the file-size and visual-quality targets: find the encoder quality
 * whose result meets the target with the fewest bytes to spare, in few encodes.
 *
 * Both targets have one boundary on the quality axis. A size cap is met by every quality up to
 * some q* (bytes grow with quality), and the best is the highest such quality: the most detail
 * that fits. A visual limit is met by every quality from some q* up (the distance from the source
 * shrinks as quality grows), and the best is the lowest: the smallest file that looks right.
 * The search keeps the nearest passing and failing qualities and steps between them by a secant
 * on the measured curve (log bytes for size, which is close to linear in quality; the score for
 * visual), with a bisection when the secant has nothing to say. It stops as soon as a pass lies
 * within `slack` under the limit, when the two bracket adjacent qualities, or at `maxAttempts`.
 * Only measured passes are returned, so a noisy, non-monotone encoder can cost an attempt but
 * never breaks the limit.
 */

export interface Probe {
  quality: number;
  /** The encoded size. */
  bytes: number;
  /** The perceptual distance from the source (visual targets). */
  score?: number;
}

export type Goal =
  | {
      kind: 'size';
      maxBytes: number;
      /** Stop once a pass is within this share under the cap (0.05 = 5 %). */
      slack: number;
    }
  | {
      kind: 'visual';
      maxScore: number;
      /** Stop once a pass scores within this share under the limit. */
      slack: number;
    };

export interface SearchOptions {
  goal: Goal;
  /** The quality range searched, whole numbers (the encoder's own, e.g. 0–100). */
  min: number;
  max: number;
  /** The first quality tried: a good guess saves encodes (the last file's answer, say). */
  first: number;
  maxAttempts: number;
  /** Encodes at `quality` and measures what the goal needs. */
  probe: (quality: number) => Promise<Probe>;
}

export interface SearchResult {
  /** The chosen probe: it meets the goal. Undefined when no quality in the range does. */
  best?: Probe;
  /** Every encode made, in order. */
  attempts: Probe[];
  /**
   * The probe closest to the goal when none met it (for a message that says how close it got:
   * for size, the smallest file; for visual, the best score).
   */
  closest?: Probe;
}

/** The measured value and its limit; `passes` is value ≤ limit for both goals. */
function measure(goal: Goal, p: Probe): number {
  if (goal.kind === 'size') return p.bytes;
  if (p.score === undefined) throw new Error('A visual target needs a score for every probe');
  return p.score;
}

const limitOf = (goal: Goal) => (goal.kind === 'size' ? goal.maxBytes : goal.maxScore);
const passes = (goal: Goal, p: Probe) => measure(goal, p) <= limitOf(goal);
/**
 * Logs: sizes grow close to exponentially with quality and distances fall so, which makes both
 * logs close to lines for the secant.
 */
const curve = (goal: Goal, v: number) => Math.log(Math.max(v, goal.kind === 'size' ? 1 : 1e-9));

/** Where to aim: a little under the limit, in the middle of the accepted band. */
function aim(goal: Goal): number {
  return curve(goal, limitOf(goal) * (1 - goal.slack / 2));
}

/** Whether a passing probe is close enough to the limit to stop. */
function closeEnough(goal: Goal, p: Probe): boolean {
  return measure(goal, p) >= limitOf(goal) * (1 - goal.slack);
}

/** The quality where the line through a and b reaches the aim, or NaN when flat. */
function secant(goal: Goal, a: Probe, b: Probe): number {
  const va = curve(goal, measure(goal, a));
  const vb = curve(goal, measure(goal, b));
  if (va === vb) return NaN;
  return a.quality + ((aim(goal) - va) * (b.quality - a.quality)) / (vb - va);
}

/**
 * A step from one side when the other side is not known yet. Size: assume bytes double every
 * 15 quality points (JPEG and WebP photos at 50–90 do, roughly). Visual: a fixed step.
 */
function extrapolate(goal: Goal, from: Probe, towardHigher: boolean): number {
  if (goal.kind === 'size') {
    const perPoint = Math.LN2 / 15;
    const step = (aim(goal) - curve(goal, from.bytes)) / perPoint;
    return from.quality + step;
  }
  return from.quality + (towardHigher ? 15 : -15);
}

export async function searchQuality(opts: SearchOptions): Promise<SearchResult> {
  const { goal, min, max, maxAttempts, probe } = opts;
  // Passing qualities lie below the boundary for size, above it for visual.
  const passBelow = goal.kind === 'size';
  const attempts: Probe[] = [];
  const tried = new Map<number, Probe>();
  let pass: Probe | undefined;
  let fail: Probe | undefined;
  let lastWidth = Infinity;

  const clampQ = (q: number) => Math.min(max, Math.max(min, Math.round(q)));
  // The extreme that passes if anything does: the lowest quality for size, the highest for visual.
  const extreme = passBelow ? min : max;

  const next = (): number | undefined => {
    if (!pass && !fail) return clampQ(opts.first);
    if (pass && fail) {
      const lo = Math.min(pass.quality, fail.quality);
      const hi = Math.max(pass.quality, fail.quality);
      if (hi - lo <= 1) return undefined;
      // A secant keeps cutting from one end of a curved stretch: bisect when the last step
      // did not halve the bracket.
      const slow = hi - lo > lastWidth / 2;
      lastWidth = hi - lo;
      let q = slow ? NaN : Math.round(secant(goal, pass, fail));
      // Strictly inside the bracket, or the bracket would not shrink.
      if (!Number.isFinite(q) || q <= lo || q >= hi) q = Math.round((lo + hi) / 2);
      return q;
    }
    if (fail) {
      if (fail.quality === extreme) return undefined;
      // The last try: the extreme settles whether the goal can be met at all.
      if (attempts.length === maxAttempts - 1) return extreme;
      return step(fail, !passBelow);
    }
    // Only passes so far: move away from the extreme to spend what the goal allows.
    const p = pass!;
    if (p.quality === (passBelow ? max : min)) return undefined;
    return step(p, passBelow);
  };

  /**
   * A step from `from` towards the boundary while all probes lie on one side of it: a secant
   * through the last two probes once there are two (the curve's own slope), else the prior.
   * At least two points, so a flat stretch of the curve cannot stall the search.
   */
  const step = (from: Probe, up: boolean): number => {
    const other = attempts.length > 1 ? attempts[attempts.length - 2] : undefined;
    let q = other && other !== from ? secant(goal, other, from) : NaN;
    if (!Number.isFinite(q) || (up ? q <= from.quality : q >= from.quality)) {
      q = extrapolate(goal, from, up);
    }
    const least = from.quality + (up ? 2 : -2);
    return clampQ(up ? Math.max(q, least) : Math.min(q, least));
  };

  while (attempts.length < maxAttempts) {
    if (pass && closeEnough(goal, pass)) break;
    const q = next();
    if (q === undefined || tried.has(q)) break;
    const p = await probe(q);
    attempts.push(p);
    tried.set(q, p);
    if (passes(goal, p)) {
      // The best pass is the one nearest the boundary.
      if (!pass || (passBelow ? q > pass.quality : q < pass.quality)) pass = p;
    } else if (!fail || (passBelow ? q < fail.quality : q > fail.quality)) {
      fail = p;
    }
    // A noisy curve can put a fail on the passing side of a pass: keep the bracket consistent.
    if (pass && fail && (passBelow ? fail.quality <= pass.quality : fail.quality >= pass.quality)) {
      fail = undefined;
    }
  }

  if (pass) return { best: pass, attempts };
  const closest = attempts.reduce<Probe | undefined>(
    (c, p) => (!c || measure(goal, p) < measure(goal, c) ? p : c),
    undefined,
  );
  return { attempts, closest };
}
