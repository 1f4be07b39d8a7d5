import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import type {
  ClaimGranted,
  ClaimRequest,
  WorkerFailure,
  WorkerResult,
} from '../../shared/worker-api.js';
import type { ServerContext } from '../context.js';
import type { ConvertOutput } from '../convert/index.js';
import { workerAuth } from '../http/auth.js';
import { ApiError } from '../http/errors.js';
import { readJsonBody } from '../http/json-body.js';
import type { AppEnv } from '../http/types.js';
import type { JobRef } from '../queue/types.js';

const bad = (message: string) => new ApiError(400, 'invalid_manifest', message);
const stale = () => new ApiError(409, 'conflict', 'The item is not waiting for this run any more');

/** The job named by the path and its `?attempt=`, which must be the item's current claim. */
function jobAndAttempt(c: Context): { job: JobRef; attempt: number } {
  const attempt = Number(c.req.query('attempt'));
  if (!Number.isInteger(attempt) || attempt < 1) throw bad('Expected ?attempt= of the claim');
  const job = { batchId: c.req.param('batchId')!, itemId: c.req.param('itemId')!, attempts: 0 };
  return { job, attempt };
}

/**
 * The endpoints `pixpool-worker` processes call in distributed mode (shared/worker-api.ts):
 * claim a job's item, read its input, hand back the files or the reason it failed. Mounted
 * only when the server has a worker token, and every request must carry it.
 */
export function internalRoutes(ctx: ServerContext, token: string) {
  const { runner, files, config } = ctx;
  const app = new Hono<AppEnv>();
  app.use('*', workerAuth(token));

  app.post('/jobs/:batchId/:itemId/claim', async (c) => {
    const body = (await readJsonBody(
      c,
      1024,
      { name: 'claimBytes', message: 'A claim is a few bytes of JSON' },
      bad('Expected a JSON claim'),
    )) as Partial<ClaimRequest>;
    const queued = body.queued;
    if (!Number.isInteger(queued) || queued! < 0) throw bad('Expected { queued: n }');
    const job = {
      batchId: c.req.param('batchId'),
      itemId: c.req.param('itemId'),
      attempts: queued!,
    };
    const claim = runner.claim(job, queued);
    if (!claim) throw stale();
    return c.json<ClaimGranted>({
      attempt: claim.attempt,
      settings: claim.settings,
      maxInputPixels: config.maxInputPixels,
      timeoutSeconds: claim.timeoutSeconds,
    });
  });

  app.get('/jobs/:batchId/:itemId/input', (c) => {
    const { job, attempt } = jobAndAttempt(c);
    if (!runner.held(job, attempt)) throw stale();
    const body = Readable.toWeb(createReadStream(files.input(job.batchId, job.itemId)));
    return c.body(body as unknown as ReadableStream<Uint8Array>, 200, {
      'Content-Type': 'application/octet-stream',
    });
  });

  app.post('/jobs/:batchId/:itemId/done', async (c) => {
    const { job, attempt } = jobAndAttempt(c);
    const claim = runner.held(job, attempt);
    if (!claim) throw stale();
    const form = await c.req.formData();
    const meta = form.get('result');
    if (typeof meta !== 'string') throw bad('Expected a result part');
    const result = JSON.parse(meta) as WorkerResult;
    const count = result.ladder?.length ?? 1;
    const data: Uint8Array[] = [];
    for (let k = 0; k < count; k++) {
      const part = form.get(`file${k}`);
      if (!(part instanceof Blob)) throw bad(`Expected the file part file${k}`);
      data.push(new Uint8Array(await part.arrayBuffer()));
    }
    const { durationMs, ladder, ...facts } = result;
    const output: ConvertOutput = {
      ...facts,
      data: data[0],
      ...(ladder && { ladder: ladder.map((f, k) => ({ ...f, data: data[k] })) }),
    };
    await runner.record(job, claim, output, durationMs);
    return c.body(null, 204);
  });

  app.post('/jobs/:batchId/:itemId/failed', async (c) => {
    const { job, attempt } = jobAndAttempt(c);
    const body = (await readJsonBody(
      c,
      64 * 1024,
      { name: 'failureBytes', message: 'A failure is a reason of at most 64 KiB' },
      bad('Expected a JSON failure'),
    )) as Partial<WorkerFailure>;
    if (typeof body.reason !== 'string') throw bad('Expected { reason, durationMs }');
    if (!runner.held(job, attempt)) throw stale();
    runner.fail(job, attempt, body.reason, body.durationMs ?? null);
    return c.body(null, 204);
  });

  return app;
}
