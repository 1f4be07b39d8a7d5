// HEIC photos of 12 MP for the server's event-loop benchmark. sharp's prebuilt libvips has no
// HEVC encoder, so they are made with libheif's `heif-enc` (x265; Debian's libheif-examples),
// ~10 s each here, and cached.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { mapPool } from '../pool.mjs';

/** Bump when the recipe below changes, so a stale cache is rebuilt. */
const recipeVersion = 1;

/**
 * `count` HEICs of 4000 × 3000 (or 3000 × 4000) at heif-enc quality 60, each from a different
 * fixture turned upright, upscaled and given film grain (sigma 8) so x265 has detail to code,
 * as in a phone's photo (~2 MB each). Cached in `dir` with `dir.json` recording the recipe.
 */
export async function ensureHeicInputs(fixtures, dir, count = 4) {
  const manifest = `${dir}.json`;
  if (existsSync(manifest)) {
    const m = JSON.parse(readFileSync(manifest, 'utf8'));
    const files = m.files?.map((f) => join(dir, f.name)) ?? [];
    if (m.recipeVersion === recipeVersion && files.length === count && files.every(existsSync)) {
      return { files, manifest: m, cached: true };
    }
  }
  const which = spawnSync('heif-enc', ['--help'], { encoding: 'utf8' });
  if (which.error) {
    throw new Error('heif-enc is missing: apt-get install -y libheif-examples (see STACK.md)');
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const sources = readdirSync(fixtures)
    .filter((f) => /_1\.jpg$|_6\.jpg$/.test(f))
    .sort();
  const started = performance.now();
  const entries = await mapPool([...Array(count).keys()], 2, async (i) => {
    const source = sources[i % sources.length];
    const name = `photo-${String(i).padStart(2, '0')}.heic`;
    const png = join(dir, `${name}.png`);
    const { data, info } = await sharp(join(fixtures, source))
      .rotate()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const [w, h] = info.width >= info.height ? [4000, 3000] : [3000, 4000];
    const grain = await sharp({
      create: {
        width: w,
        height: h,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma: 8 },
      },
    })
      .raw()
      .toBuffer();
    await sharp(data, { raw: info })
      .resize(w, h, { fit: 'cover', kernel: 'lanczos3' })
      .composite([{ input: grain, raw: { width: w, height: h, channels: 3 }, blend: 'overlay' }])
      .png({ compressionLevel: 1 })
      .toFile(png);
    const r = spawnSync('heif-enc', ['-q', '60', png, '-o', join(dir, name)], {
      encoding: 'utf8',
    });
    rmSync(png, { force: true });
    if (r.status !== 0) throw new Error(`heif-enc failed for ${source}: ${r.stderr}`);
    const bytes = readFileSync(join(dir, name)).length;
    return { name, source, width: w, height: h, bytes };
  });
  const m = {
    recipeVersion,
    madeInSeconds: Math.round(performance.now() - started) / 1000,
    files: entries,
  };
  writeFileSync(manifest, JSON.stringify(m, null, 2));
  return { files: entries.map((e) => join(dir, e.name)), manifest: m, cached: false };
}
