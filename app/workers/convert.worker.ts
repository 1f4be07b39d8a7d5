import { expose, transfer } from 'comlink';
import { convert, type ConvertJob, type ConvertResult, type StageCallback } from './convert.js';

const api = {
  /** Converts one image; the output bytes are transferred, not copied. */
  async convert(job: ConvertJob, onStage?: StageCallback): Promise<ConvertResult> {
    const { input, ...rest } = job;
    onStage?.('read', 0);
    const bytes = await input.arrayBuffer();
    const result = await convert({ ...rest, bytes, blob: input }, onStage);
    return transfer(result, [result.bytes]);
  },
  /** Lets the pool check that a fresh worker has loaded. */
  ping(): 'pong' {
    return 'pong';
  },
};

expose(api);

export type ConvertApi = typeof api;
