import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ItemEventData } from '../../../shared/api.js';
import type { LadderManifest, LadderOutput } from '../../../shared/ladder/index.js';
import type { Preset } from '../../../shared/presets/index.js';
import type { ReportRow } from '../../../shared/report.js';
import { expectIntact, listing, saveTemp, tempDir, unzip } from '../export/zip-helpers.js';
import {
  bearer,
  createBatch,
  fixture,
  testServer,
  thumbs,
  uploadAll,
  waitSettled,
} from './helpers.js';
import { sseReader } from './sse.js';

const files = {
  'trip/Landscape_3.jpg': fixture('exif-orientation/Landscape_3.jpg'),
  'trip/Portrait_6.jpg': fixture('exif-orientation/Portrait_6.jpg'),
  'icons/basn6a08.png': fixture('pngsuite/png/basn6a08.png'),
};

// No resize of its own: the largest file is the upright input, and 4000 px collapses to it.
const preset: Preset = {
  ...thumbs,
  name: 'Web',
  resize: { ...thumbs.resize, maxWidth: 0, maxHeight: 0 },
  ladder: {
    widths: [200, 400, 4000],
    formats: ['avif', 'webp'],
    template: '{name}-{width}-{format}-{hash8}',
    snippet: true,
  },
};

/** Upright sizes, largest first, each in AVIF then WebP. */
const sizes: Record<string, [number, number][]> = {
  'trip/Landscape_3.jpg': [
    [1800, 1200],
    [400, 267],
    [200, 133],
  ],
  'trip/Portrait_6.jpg': [
    [1200, 1800],
    [400, 600],
    [200, 300],
  ],
  'icons/basn6a08.png': [[32, 32]],
};

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

describe('a batch with a size ladder', () => {
  it('makes every width × format under the template’s names, with manifests and snippets in the ZIP', async () => {
    const server = await testServer();
    const batch = await createBatch(server, files, preset);
    const get = (p: string) =>
      server.api(`/batches/${batch.batchId}${p}`, { headers: bearer(batch.token) });
    await uploadAll(server, batch, files);
    const status = await waitSettled(server, batch);
    expect(status.images.map((i) => i.status)).toEqual(['done', 'done', 'done']);

    const served = new Map<string, Uint8Array>();
    for (const image of status.images) {
      const ladder = image.ladder!;
      const stem = image.outputPath.replace(/\.webp$/, '');
      // The planned path stays: the files and the manifest are named from it.
      expect(image.outputPath).toBe(image.filename.replace(/\.\w+$/, '.webp'));
      expect(ladder.map((o) => [o.width, o.height, o.format])).toEqual(
        sizes[image.filename].flatMap(([w, h]) => [
          [w, h, 'avif'],
          [w, h, 'webp'],
        ]),
      );
      // The first file is the item's output.
      expect(image).toMatchObject({
        outputFormat: 'avif',
        outputWidth: ladder[0].width,
        outputHeight: ladder[0].height,
        outputSize: ladder[0].size,
      });
      for (const [k, o] of ladder.entries()) {
        expect(o.path).toBe(`${stem}-${o.width}-${o.format}-${o.hash8}.${o.format}`);
        const res = await get(`/files/${image.id}/output?file=${k}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe(`image/${o.format}`);
        expect(res.headers.get('content-disposition')).toContain(`filename="${baseName(o.path)}"`);
        const bytes = new Uint8Array(await res.arrayBuffer());
        expect(bytes.length).toBe(o.size);
        expect(sha256(bytes).slice(0, 8)).toBe(o.hash8);
        const meta = await sharp(bytes).metadata();
        expect([meta.format, meta.width, meta.height]).toEqual([
          o.format === 'avif' ? 'heif' : 'webp',
          o.width,
          o.height,
        ]);
        served.set(o.path, bytes);
      }
      const first = await get(`/files/${image.id}/output`);
      expect(Buffer.from(await first.arrayBuffer()).equals(served.get(ladder[0].path)!)).toBe(true);
      for (const bad of [String(ladder.length), '-1', 'x']) {
        const res = await get(`/files/${image.id}/output?file=${bad}`);
        expect(res.status).toBe(404);
        expect(await res.json()).toMatchObject({ error: 'not_found', files: ladder.length });
      }
    }
    // Every file on disk is one of the items' files.
    const out = readdirSync(path.join(server.ctx.files.batchDir(batch.batchId), 'out'));
    expect(out).toHaveLength(served.size);

    const zip = await saveTemp(
      'ladder.zip',
      new Uint8Array(await (await get('/zip')).arrayBuffer()),
    );
    expectIntact(zip);
    expect(listing(zip)).toEqual([
      'pixpool-report.csv',
      'pixpool-report.json',
      ...status.images.flatMap((image) => {
        const stem = image.outputPath.replace(/\.webp$/, '');
        return [...image.ladder!.map((o) => o.path), `${stem}.json`, `${stem}.html`];
      }),
    ]);
    const unzipped = tempDir();
    expect(unzip('-q', zip, '-d', unzipped).status).toBe(0);
    for (const [name, bytes] of served) {
      expect(sha256(readFileSync(path.join(unzipped, name))), name).toBe(sha256(bytes));
    }
    for (const image of status.images) {
      const stem = image.outputPath.replace(/\.webp$/, '');
      const manifest = JSON.parse(unzip('-p', zip, `${stem}.json`).stdout) as LadderManifest;
      const [width, height] = sizes[image.filename][0];
      expect(manifest).toMatchObject({ source: image.filename, width, height, preset: 'Web' });
      const listed = (o: Pick<LadderOutput, 'path' | 'format' | 'size'>) =>
        `${baseName(o.path)} ${o.format} ${o.size}`;
      expect(manifest.files.map((f) => `${f.file} ${f.format} ${f.bytes}`).sort()).toEqual(
        image.ladder!.map(listed).sort(),
      );
      const html = unzip('-p', zip, `${stem}.html`).stdout;
      expect(html).toMatch(/^<picture>\n {2}<source type="image\/avif" srcset="[^"]+ \d+w/);
      // WebP is the fallback: the largest is the <img>.
      const largest = image.ladder!.find((o) => o.format === 'webp')!;
      expect(html).toContain(`<img src="${encodeURIComponent(baseName(largest.path))}"`);
    }

    // The events and the report say the same.
    const events = sseReader((await get('/events')).body!);
    const done = new Map<string, ItemEventData>();
    while (done.size < 3) {
      const msg = (await events.next())!;
      const data = msg.event === 'item' && (JSON.parse(msg.data!) as ItemEventData);
      if (data && data.status === 'done') done.set(data.id, data);
    }
    await events.close();
    for (const image of status.images) {
      expect(done.get(image.id)).toMatchObject({
        outputPath: image.outputPath,
        ladder: image.ladder,
      });
    }
    const report = (await (await get('/report.json')).json()) as { rows: ReportRow[] };
    expect(report.rows.map((r) => [r.files, r.outputPath, r.outputBytes])).toEqual(
      status.images.map((i) => [
        i.ladder!.length,
        i.ladder![0].path,
        i.ladder!.reduce((sum, o) => sum + o.size, 0),
      ]),
    );
  });
});
