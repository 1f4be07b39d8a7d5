import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { mapPool } from './pool.mjs';

/** Bump when the recipe below changes, so a stale cache is rebuilt. */
const recipeVersion = 2;

const grains = new Map();

/** Gaussian noise around mid-grey (sigma 10), made once per orientation and reused. */
function grain(width, height) {
  const key = `${width}x${height}`;
  if (!grains.has(key)) {
    const noise = { type: 'gaussian', mean: 128, sigma: 10 };
    const create = { width, height, channels: 3, background: '#808080', noise };
    grains.set(key, sharp({ create }).raw().toBuffer());
  }
  return grains.get(key);
}

/**
 * One 12 MP photo from a 1800 × 1200 fixture: a 4:3 crop (its position and size vary with the
 * index), scaled to 4000 × 3000 (or 3000 × 4000), tinted by the pass, with film-grain noise so
 * the JPEG weighs what a camera's does (~3 MB at q90; the smooth upscale alone gives ~1.5 MB).
 * Half the files whose source carries an EXIF orientation keep it (the pixels stay as stored,
 * so the converter must turn them); the rest are baked upright without the tag, and mirrored
 * on odd indexes.
 */
async function derive(source, index, dest) {
  const pass = Math.floor(index / 18);
  const { orientation = 1 } = await sharp(source).metadata();
  const keep = orientation !== 1 && pass % 2 === 0;
  // Stored pixels when the tag is kept, upright pixels otherwise.
  const { data, info } = await sharp(source)
    .rotate(keep ? 0 : undefined)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const landscape = info.width >= info.height;
  const [w, h] = landscape ? [4000, 3000] : [3000, 4000];
  // A 4:3 region covering 84–100 % of the short side, sliding along both axes.
  const short = Math.min(info.width, info.height);
  const cropShort = Math.round(short * (1 - ((index * 7) % 17) / 100));
  const cropLong = Math.round((cropShort * 4) / 3);
  const cw = landscape ? cropLong : cropShort;
  const ch = landscape ? cropShort : cropLong;
  const left = Math.round(((info.width - cw) * ((index * 5) % 11)) / 10);
  const top = Math.round(((info.height - ch) * ((index * 3) % 7)) / 6);
  let img = sharp(data, { raw: info })
    .extract({ left, top, width: cw, height: ch })
    .resize(w, h, { kernel: 'lanczos3' })
    .modulate({
      brightness: 0.92 + 0.03 * pass,
      saturation: 0.9 + 0.05 * (index % 5),
      hue: pass * 12,
    });
  if (!keep && index % 2 === 1) img = img.flop();
  // sharp composites after resizing, so the grain is at full resolution.
  const raw = { width: w, height: h, channels: 3 };
  img = img.composite([{ input: await grain(w, h), raw, blend: 'overlay' }]).jpeg({ quality: 90 });
  if (keep) img = img.withMetadata({ orientation });
  await img.toFile(dest);
  return { keep, orientation: keep ? orientation : 1 };
}

/**
 * The 100 inputs, made once and cached in `dir`; `dir.json` records the recipe (outside the
 * folder, which is uploaded as it is). Returns their absolute paths, sorted.
 */
export async function ensureInputs(fixtures, dir, count = 100) {
  const manifest = `${dir}.json`;
  if (existsSync(manifest)) {
    const m = JSON.parse(readFileSync(manifest, 'utf8'));
    const files = m.files?.map((f) => join(dir, f.name)) ?? [];
    if (m.recipeVersion === recipeVersion && files.length === count && files.every(existsSync)) {
      return { files, manifest: m, cached: true };
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const sources = readdirSync(fixtures)
    .filter((f) => f.endsWith('.jpg'))
    .sort();
  const started = performance.now();
  const entries = await mapPool([...Array(count).keys()], 2, async (i) => {
    const src = sources[i % sources.length];
    const name = `photo-${String(i).padStart(3, '0')}.jpg`;
    const r = await derive(join(fixtures, src), i, join(dir, name));
    return { name, source: src, ...r, bytes: statSync(join(dir, name)).size };
  });
  const m = {
    recipeVersion,
    madeInSeconds: Math.round(performance.now() - started) / 1000,
    files: entries,
  };
  writeFileSync(manifest, JSON.stringify(m, null, 2));
  return { files: entries.map((e) => join(dir, e.name)), manifest: m, cached: false };
}

/**
 * `copies` × the inputs as hard links in `set-NN/` folders under `dir` (no extra disk). Returns
 * how many files the tree holds.
 */
export function linkTree(files, dir, copies) {
  rmSync(dir, { recursive: true, force: true });
  for (let c = 0; c < copies; c++) {
    const set = join(dir, `set-${String(c).padStart(2, '0')}`);
    mkdirSync(set, { recursive: true });
    for (const f of files) linkSync(f, join(set, f.split('/').pop()));
  }
  return files.length * copies;
}
