import { describe, expect, it } from 'vitest';
import {
  assertBatchTransition,
  assertItemTransition,
  canTransitionBatch,
  canTransitionItem,
  conversionProgress,
  isItemSettled,
  itemStatuses,
  type BatchStatus,
  type ItemStatus,
} from '../../../shared/state/index.js';

// The whole state machine written out again, so a change to either copy shows up here.
const itemAllowed: Record<ItemStatus, ItemStatus[]> = {
  pending: ['processing', 'cancelled'],
  processing: ['done', 'failed', 'cancelled', 'pending'],
  done: ['pending'],
  failed: ['pending'],
  cancelled: ['pending'],
  skipped: [],
};

const batchStatuses: BatchStatus[] = ['draft', 'running', 'paused', 'done', 'cancelled'];
const batchAllowed: Record<BatchStatus, BatchStatus[]> = {
  draft: ['running', 'cancelled'],
  running: ['paused', 'done', 'cancelled'],
  paused: ['running', 'cancelled'],
  done: ['running'],
  cancelled: ['running'],
};

describe('item transitions', () => {
  it('allows exactly the documented transitions', () => {
    for (const from of itemStatuses) {
      for (const to of itemStatuses) {
        expect(canTransitionItem(from, to), `${from} → ${to}`).toBe(itemAllowed[from].includes(to));
      }
    }
  });

  it('retries a failed or cancelled item by putting it back to pending', () => {
    expect(() => assertItemTransition('failed', 'pending')).not.toThrow();
    expect(() => assertItemTransition('cancelled', 'pending')).not.toThrow();
  });

  it('requeues an item whose worker was interrupted mid-conversion', () => {
    expect(canTransitionItem('processing', 'pending')).toBe(true);
  });

  it('never converts a skipped file and names both states when refusing', () => {
    expect(() => assertItemTransition('skipped', 'pending')).toThrow(
      'An item cannot go from skipped to pending',
    );
    expect(() => assertItemTransition('pending', 'done')).toThrow(
      'An item cannot go from pending to done',
    );
  });

  it('counts only pending and processing items as unsettled', () => {
    expect(itemStatuses.filter((s) => !isItemSettled(s))).toEqual(['pending', 'processing']);
  });
});

describe('batch transitions', () => {
  it('allows exactly the documented transitions', () => {
    for (const from of batchStatuses) {
      for (const to of batchStatuses) {
        expect(canTransitionBatch(from, to), `${from} → ${to}`).toBe(
          batchAllowed[from].includes(to),
        );
      }
    }
  });

  it('pauses and resumes a running batch', () => {
    expect(() => assertBatchTransition('running', 'paused')).not.toThrow();
    expect(() => assertBatchTransition('paused', 'running')).not.toThrow();
  });

  it('refuses to finish a batch that never ran, naming both states', () => {
    expect(() => assertBatchTransition('draft', 'done')).toThrow(
      'A batch cannot go from draft to done',
    );
    expect(() => assertBatchTransition('paused', 'done')).toThrow(
      'A batch cannot go from paused to done',
    );
  });
});

describe('conversionProgress', () => {
  it('rises through the local stages, from 0 at the first to 1 at the end of the last', () => {
    const reports: [Parameters<typeof conversionProgress>[0], number][] = [
      ['read', 0],
      ['decode', 0],
      ['decode', 1],
      ['resize', 0],
      ['resize', 1],
      ['encode', 0],
      ['encode', 1],
      ['metadata', 0],
      ['metadata', 1],
    ];
    const values = reports.map(([stage, p]) => conversionProgress(stage, p));
    expect(values[0]).toBe(0);
    expect(values.at(-1)).toBeCloseTo(1, 10);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    // Encoding is the longest stage: its start and end are far apart.
    expect(conversionProgress('encode', 1) - conversionProgress('encode', 0)).toBeGreaterThan(0.4);
  });

  it('passes upload progress through and keeps a local stage within 0..1', () => {
    expect(conversionProgress('upload', 0.42)).toBe(0.42);
    expect(conversionProgress('encode', 7)).toBeLessThanOrEqual(1);
  });
});
