// Renders the PWA icons from public/favicon.svg. Run once after changing the logo:
//   node scripts/make-icons.mjs
// The PNGs are committed, so builds need no image tooling.
import sharp from 'sharp';
import { mkdirSync, readFileSync } from 'node:fs';

const svg = readFileSync('public/favicon.svg');
mkdirSync('public/icons', { recursive: true });
for (const size of [192, 512]) {
  await sharp(svg, { density: 1200 })
    .resize(size, size)
    .png()
    .toFile(`public/icons/icon-${size}.png`);
}
// Maskable: the logo inside the central 80 % safe zone on a full-bleed background.
const inner = await sharp(svg, { density: 1200 }).resize(360, 360).png().toBuffer();
await sharp({ create: { width: 512, height: 512, channels: 4, background: '#1f5f8b' } })
  .composite([{ input: inner, gravity: 'centre' }])
  .png()
  .toFile('public/icons/maskable-512.png');
await sharp(svg, { density: 1200 })
  .resize(180, 180)
  .png()
  .toFile('public/icons/apple-touch-icon.png');
console.log('icons written to public/icons/');
