import type { EventData } from '../../shared/api.js';

export type { BatchEventData, EventData, ItemEventData, Progress } from '../../shared/api.js';

/** An event as stored and sent: `seq` is its SSE id, increasing across the whole server. */
export type BatchEvent = EventData & { seq: number; batchId: string };
