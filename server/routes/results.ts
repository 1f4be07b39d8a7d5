import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import { formats } from '../../shared/formats/index.js';
import { itemFiles } from '../../shared/ladder/index.js';
import { safeArchivePath } from '../../shared/naming.js';
import { buildReport, reportToCsv, reportToJson } from '../../shared/report.js';
import type { ServerContext } from '../context.js';
import { batchAuth } from '../http/auth.js';
import { ApiError } from '../http/errors.js';
import type { AppEnv } from '../http/types.js';
import type { ServerBatch, ServerItem } from '../store/index.js';
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

/**
 * `?file=k`: which of a done item's files to send; 0 (the default) is its output, a ladder's
 * k-th file for k up to its length.
 */
function fileIndex(query: string | undefined, item: ServerItem): number {
  if (query === undefined) return 0;
  const count = item.ladder?.length ?? 1;
  const k = /^\d{1,6}$/.test(query) ? Number(query) : -1;
  if (k >= 0 && k < count) return k;
  throw new ApiError(
    404,
    'not_found',
    count === 1
      ? 'This file has one output: ask for it without ?file or with ?file=0'
      : `This file has ${count} outputs: ?file= takes 0 to ${count - 1}`,
    { files: count },
  );
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
    const k = fileIndex(c.req.query('file'), item);
    const file = files.output(batch.id, item.id, k);
    const info = await stat(file).catch(() => null);
    if (!info)
      throw new ApiError(404, 'no_output', 'The output is gone (the batch is being deleted)');
    const made = item.ladder?.[k] ?? { format: item.outputFormat, path: item.outputPath };
    return c.body(streamFile(file), 200, {
      'Content-Type': formats[made.format].mimeType,
      'Content-Length': String(info.size),
      'Content-Disposition': disposition(made.path.split('/').pop()!),
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
    const enc = new TextEncoder();
    const done = store.items.list(batch.id).filter((i) => i.status === 'done');
    // Each item's files (its output, or a ladder's files and manifest) in the item's order.
    const entries = await Promise.all(
      done.flatMap((item) =>
        itemFiles(item, batch.preset).map(async (f) => {
          if ('text' in f) return { path: f.path, data: enc.encode(f.text) };
          const file = files.output(batch.id, item.id, f.index);
          const info = await stat(file).catch(() => null);
          return info && { path: f.path, file, size: info.size, mtime: info.mtime };
        }),
      ),
    );
    if (entries.some((e) => e === null)) {
      throw new ApiError(409, 'conflict', 'Outputs are being deleted');
    }
    const r = report(batch);
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
