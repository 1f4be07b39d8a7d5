import type { Sharp } from 'sharp';
import type { Pixels } from '../../codecs/pixels.js';

/** What sharp reads, as the 8-bit RGBA pixels the codecs and metrics take (a view, no copy). */
export async function rgbaOf(input: Sharp): Promise<Pixels> {
  const { data, info } = await input.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  };
}
