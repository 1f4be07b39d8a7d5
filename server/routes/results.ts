import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import { formats } from '../../shared/formats/index.js';
import { safeArchivePath } from '../../shared/naming.js';
import { buildReport, reportToCsv, reportToJson } from '../../shared/report.js';
import type { ServerContext } from '../context.js';
import { batchAuth } from '../http/auth.js';
import { ApiError } from '../http/errors.js';
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
  const { store, files } = ctx;
  const app = new Hono<AppEnv>();
  const auth = batchAuth(store);

  const report = (batch: ServerBatch) => buildReport(batch, store.items.list(batch.id));

  app.get('/batches/:id/files/:itemId/output', auth, async (c) => {
    const batch = c.var.batch;
    const item = store.items.get(batch.id, c.req.param('itemId'));
    if (!item) throw new ApiError(404, 'not_found', 'No such file in this batch');
    if (item.status !== 'done') {
      throw new ApiError(404, 'no_output', `The file has no output (it is ${item.status})`, {
        status: item.status,
      });
    }
    const file = files.output(batch.id, item.id);
    const info = await stat(file).catch(() => null);
    if (!info)
      throw new ApiError(404, 'no_output', 'The output is gone (the batch is being deleted)');
    return c.body(streamFile(file), 200, {
      'Content-Type': formats[item.outputFormat].mimeType,
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

  // One archive for the whole batch: shared/zip writes ZIP64 past 4 GiB, so it is never split
  // any more. A client of the old split API asks for `?part=1` first: it gets the whole archive,
  // and any other part number a 404 saying there is one part.
  async function zip(c: Context<AppEnv>) {
    const batch = c.var.batch;
    const part = c.req.query('part');
    if (part !== undefined && part.trim() !== '1') {
      throw new ApiError(
        404,
        'not_found',
        'There is only part 1: the whole batch is one ZIP (ask without ?part)',
        { parts: 1 },
      );
    }
    const done = store.items.list(batch.id).filter((i) => i.status === 'done');
    const entries = await Promise.all(
      done.map(async (item) => {
        const file = files.output(batch.id, item.id);
        const info = await stat(file).catch(() => null);
        return info && { path: item.outputPath, file, size: info.size, mtime: info.mtime };
      }),
    );
    if (entries.some((e) => e === null)) {
      throw new ApiError(409, 'conflict', 'Outputs are being deleted');
    }
    const r = report(batch);
    const enc = new TextEncoder();
    const extras = [
      { path: reportCsv, data: enc.encode(reportToCsv(r)) },
      { path: reportJson, data: enc.encode(reportToJson(r)) },
    ];
    return c.body(
      zipStream(
        entries.filter((e) => e !== null),
        extras,
      ),
      200,
      {
        'Content-Type': 'application/zip',
        'Content-Disposition': disposition(`${baseName(batch)}.zip`),
        'Cache-Control': 'no-store',
      },
    );
  }

  return app;
}
