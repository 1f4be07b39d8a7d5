import { formats } from '../../../shared/formats/index.js';
import type { ResizeOptions } from '../../../shared/presets/index.js';
import type { BatchItem } from '../../../shared/state/index.js';
import type { Store } from '../../store/index.js';

/** One side of the compare view: where its bytes come from and what its label says. */
export interface CompareSide {
  /** Reads the bytes when the view opens; undefined when they are gone. */
  load: () => Promise<Blob | undefined>;
  /** The format in words ("JPEG"). */
  format: string;
  /** The image's upright size, when known before it is drawn. */
  width?: number;
  height?: number;
  bytes?: number;
}

/** What the compare view shows: the original, a result, and the resize that made it. */
export interface Comparison {
  /** Names the render jobs, so closing the view cancels them. */
  id: string;
  before: CompareSide;
  after: CompareSide;
  /** The resize the result was made with: places a cover crop on the original. */
  resize?: ResizeOptions;
}

/** A queue item's original, read from the store when the view opens. */
export function originalSide(item: BatchItem, store: Pick<Store, 'getInput'>): CompareSide {
  return {
    load: () => store.getInput(item.id),
    format: item.format ? formats[item.format].label : 'Original',
    width: item.width,
    height: item.height,
    bytes: item.size,
  };
}
