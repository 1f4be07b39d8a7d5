import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import { outputFormats } from '../../shared/formats/index.js';
import { safeArchivePath } from '../../shared/naming.js';
import { buildReport, reportToCsv, reportToJson } from '../../shared/report.js';
import { planZipParts, zipEntryOverhead } from '../../shared/zip-plan.js';
import type { ServerContext } from '../context.js';
import { batchAuth } from '../http/auth.js';
import { jsonError, limitExceeded } from '../http/errors.js';
import type { AppEnv } from '../http/types.js';
import type { ServerBatch } from '../store/index.js';
import { zipStream } from '../zip.js';

const reportCsv = 'pixpool-report.csv';
const reportJson = 'pixpool-report.json';

/** `attachment` with an ASCII fallback name and the UTF-8 one (RFC 6266 / RFC 5987). */
function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** The batch name as a file name: one safe path segment. */
function baseName(batch: ServerBatch): string {
  return safeArchivePath(batch.name.replace(/[/\\]/g, '_')).slice(0, 100) || 'pixpool';
}

const streamFile = (file: string) =>
  Readable.toWeb(createReadStream(file)) as unknown as ReadableStream<Uint8Array>;

/** Single outputs, the reports, and every output as a streamed ZIP. */
export function resultRoutes(ctx: ServerContext) {
  const { store, files, config } = ctx;
  const app = new Hono<AppEnv>();
  const auth = batchAuth(store);

  const report = (batch: ServerBatch) => buildReport(batch, store.items.list(batch.id));

  app.get('/batches/:id/files/:itemId/output', auth, async (c) => {
    const batch = c.var.batch;
    const item = store.items.get(batch.id, c.req.param('itemId'));
    if (!item) return jsonError(c, 404, 'not_found', 'No such file in this batch');
    if (item.status !== 'done') {
      return jsonError(c, 404, 'no_output', `The file has no output (it is ${item.status})`, {
        status: item.status,
      });
    }
    const file = files.output(batch.id, item.id);
    const info = await stat(file).catch(() => null);
    if (!info)
      return jsonError(c, 404, 'no_output', 'The output is gone (the batch is being deleted)');
    return c.body(streamFile(file), 200, {
      'Content-Type': outputFormats[item.outputFormat].mimeType,
      'Content-Length': String(info.size),
      'Content-Disposition': disposition(item.outputPath.split('/').pop()!),
    });
  });

  app.get('/batches/:id/report.csv', auth, (c) =>
    c.body(reportToCsv(report(c.var.batch)), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': disposition(`${baseName(c.var.batch)}-report.csv`),
    }),
  );

  app.get('/batches/:id/report.json', auth, (c) =>
    c.body(reportToJson(report(c.var.batch)), 200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': disposition(`${baseName(c.var.batch)}-report.json`),
    }),
  );

  app.get('/batches/:id/zip', auth, async (c) => zip(c));

  // Archives over 4 GiB would be corrupt without ZIP64 (fflate writes none), so a batch whose
  // outputs do not fit one archive is split: `?part=N` downloads part N, each a complete ZIP
  // with the reports; without `part` such a batch answers 413 listing the parts.
  async function zip(c: Context<AppEnv>) {
    const batch = c.var.batch;
    const done = store.items.list(batch.id).filter((i) => i.status === 'done');
    const entries = await Promise.all(
      done.map(async (item) => {
        const file = files.output(batch.id, item.id);
        const info = await stat(file).catch(() => null);
        return {
          path: item.outputPath,
          file,
          size: info?.size ?? 0,
          mtime: info?.mtime,
          ok: !!info,
        };
      }),
    );
    if (entries.some((e) => !e.ok))
      return jsonError(c, 409, 'conflict', 'Outputs are being deleted');
    const r = report(batch);
    const enc = new TextEncoder();
    const extras = [
      { path: reportCsv, data: enc.encode(reportToCsv(r)) },
      { path: reportJson, data: enc.encode(reportToJson(r)) },
    ];
    // Deflate never grows text by more than a few bytes per 16 KiB block.
    const reservedBytes = extras.reduce(
      (n, e) => n + e.data.length + 1024 + zipEntryOverhead(e.path),
      0,
    );
    let parts: number[][];
    try {
      parts = planZipParts(entries, config.maxZipPartBytes, {
        reservedBytes,
        reservedEntries: extras.length,
      });
    } catch (e) {
      return jsonError(c, 413, 'limit_exceeded', (e as Error).message, { limit: 'zip32MaxBytes' });
    }
    if (parts.length === 0) parts = [[]];
    const name = baseName(batch);
    const partParam = c.req.query('part');
    let index = 0;
    if (partParam !== undefined) {
      index = Number(partParam) - 1;
      if (!Number.isInteger(index) || index < 0 || index >= parts.length) {
        return jsonError(
          c,
          404,
          'not_found',
          `There are ${parts.length} parts; ask for part 1 to ${parts.length}`,
          { parts: parts.length },
        );
      }
    } else if (parts.length > 1) {
      const total = entries.reduce((n, e) => n + e.size, 0);
      return limitExceeded(
        c,
        'maxZipPartBytes',
        config.maxZipPartBytes,
        total,
        `The outputs do not fit one ZIP; download ?part=1 to ?part=${parts.length}`,
        {
          parts: parts.map((p, i) => ({
            part: i + 1,
            files: p.length,
            bytes: p.reduce((n, j) => n + entries[j].size, 0),
          })),
        },
      );
    }
    const file =
      parts.length > 1 ? `${name}-part${index + 1}-of-${parts.length}.zip` : `${name}.zip`;
    const chosen = parts[index].map((j) => entries[j]);
    return c.body(zipStream(chosen, extras), 200, {
      'Content-Type': 'application/zip',
      'Content-Disposition': disposition(file),
      'Cache-Control': 'no-store',
    });
  }

  return app;
}
