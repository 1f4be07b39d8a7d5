import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtInPresets } from '../../shared/presets/index.js';
import { generated, sharedFixtures } from './fixture-tree.js';
import { addFolder, choosePreset, items, openApp, waitForSettled } from './helpers.js';
import { startServer, type RunningServer } from './sync-server.js';

let server: RunningServer | undefined;
test.afterEach(async () => {
  await server?.kill();
});

/** `bytes` with `count` bytes XOR-ed from `at` (a fraction of the length) on, 97 apart. */
function damage(bytes: Uint8Array, at: number, count: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < count; i++) {
    const o = Math.floor(out.length * at) + i * 97;
    if (o < out.length) out[o] ^= 0x55;
  }
  return out;
}

const cut = (bytes: Uint8Array, fraction: number) =>
  bytes.subarray(0, Math.floor(bytes.length * fraction));

/** Damaged files of every format both sides read, the way real files break. */
async function buildDamaged(root: string): Promise<string[]> {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const photo = new Uint8Array(
    readFileSync(join(sharedFixtures, 'exif-orientation/Landscape_1.jpg')),
  );
  const small = sharp(photo).resize(300);
  const png = new Uint8Array(await small.clone().png().toBuffer());
  const webp = new Uint8Array(await small.clone().webp().toBuffer());
  const gif = new Uint8Array(await small.clone().gif().toBuffer());
  const avif = new Uint8Array(await small.clone().avif().toBuffer());
  const files: Record<string, Uint8Array> = {
    'jpeg-cut-60.jpg': cut(photo, 0.6),
    'jpeg-no-end-marker.jpg': cut(photo, 0.9999),
    'jpeg-few-bad-bytes.jpg': damage(photo, 0.3, 5),
    'jpeg-many-bad-bytes.jpg': damage(photo, 0.3, 500),
    'jpeg-trailing-junk.jpg': new Uint8Array([...photo, ...new Uint8Array(1000).fill(7)]),
    'png-cut-50.png': cut(png, 0.5),
    'png-bad-bytes.png': damage(png, 0.5, 3),
    'webp-cut-50.webp': cut(webp, 0.5),
    'webp-cut-95.webp': cut(webp, 0.95),
    'webp-bad-bytes.webp': damage(webp, 0.5, 50),
    'gif-cut-50.gif': cut(gif, 0.5),
    'gif-bad-bytes.gif': damage(gif, 0.5, 20),
    'avif-cut-50.avif': cut(avif, 0.5),
    'avif-bad-bytes.avif': damage(avif, 0.5, 50),
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(root, name), bytes);
  const suite = join(sharedFixtures, 'pngsuite/png');
  for (const f of readdirSync(suite).filter((f) => f.startsWith('x'))) {
    writeFileSync(join(root, f), readFileSync(join(suite, f)));
  }
  return readdirSync(root).sort();
}

/** What the server makes of each file: its status and reason, converted through the API. */
async function serverVerdicts(
  url: string,
  root: string,
  names: string[],
): Promise<Map<string, { status: string; text: string }>> {
  const preset = builtInPresets.find((p) => p.id === 'thumbnails-webp-400')!;
  const bodies = names.map((n) => readFileSync(join(root, n)));
  const created = await fetch(`${url}/api/batches`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Pixpool-Files': String(names.length) },
    body: JSON.stringify({
      preset,
      files: names.map((n, i) => ({ path: n, size: bodies[i].length })),
    }),
  });
  expect(created.status).toBe(201);
  const batch = (await created.json()) as {
    batchId: string;
    token: string;
    items: { id: string }[];
  };
  const auth = { Authorization: `Bearer ${batch.token}` };
  for (const [i, item] of batch.items.entries()) {
    const res = await fetch(`${url}/api/batches/${batch.batchId}/files/${item.id}`, {
      method: 'PUT',
      headers: auth,
      body: bodies[i],
    });
    expect(res.status).toBe(200);
  }
  for (;;) {
    const status = await (
      await fetch(`${url}/api/batches/${batch.batchId}`, { headers: auth })
    ).json();
    if (status.status !== 'running') {
      return new Map(
        status.images.map((im: { filename: string; status: string; error?: string }) => [
          im.filename,
          { status: im.status, text: im.error ?? '' },
        ]),
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Chromium's AV1 decoder conceals damage inside a frame and draws the file (with blocks where
 * the data was bad); the server's libheif, Firefox and the app's own wasm decoder refuse it.
 * The wasm decoder cannot be put first to match: it cannot read some valid AVIF files that
 * Chromium reads (libheif's own example). Asserted, so a change on either side is seen.
 */
const knownDifferences: Record<string, { browser: string; server: string }> = {
  'avif-bad-bytes.avif': { browser: 'done', server: 'failed' },
};

/** The plain words of a reason, without the decoder's own text in brackets. */
const plain = (text: string) => /Could not decode [^(\n]+/.exec(text)?.[0].trim() ?? '';

test('the browser and the server give every damaged file the same verdict, in the same words', async ({
  page,
}) => {
  const root = join(generated, 'damaged');
  const names = await buildDamaged(root);
  server = await startServer(4194);
  const remote = await serverVerdicts(server.url, root, names);

  await openApp(page);
  await choosePreset(page, 'thumbnails-webp-400');
  await addFolder(page, root, names.length);
  await page.getByRole('button', { name: 'Convert' }).click();
  await waitForSettled(page);
  const local = new Map((await items(page)).map((it) => [it.path.split('/').pop()!, it]));

  const mismatches: string[] = [];
  for (const name of names) {
    const b = local.get(name)!;
    const s = remote.get(name)!;
    const known = knownDifferences[name];
    const same = known
      ? b.status === known.browser && s.status === known.server
      : b.status === s.status && (b.status !== 'failed' || plain(b.text) === plain(s.text));
    if (!same) {
      mismatches.push(
        `${name}: browser ${b.status} "${plain(b.text)}" / server ${s.status} "${s.text}"`,
      );
    }
    // No decoder's raw words as the whole reason: every failure says what happened plainly.
    if (s.status === 'failed') expect(s.text).toMatch(/^(Could not decode|Not an image|The file)/);
  }
  expect(mismatches).toEqual([]);
  // The corpus is not trivially one-sided: some files convert, some fail.
  const statuses = new Set([...remote.values()].map((v) => v.status));
  expect(statuses).toEqual(new Set(['done', 'failed']));
});
