import { outputFormats, type OutputSettings } from '../formats/index.js';

/** Whether `output` needs its source flattened on the background first (no alpha: JPEG). */
export const flattensFor = (output: OutputSettings): boolean => !outputFormats[output.format].alpha;

/**
 * The source of a target's attempts at each scale, as it is and flattened, each made once and
 * only when asked for: the workers' pixels and the server's raw buffers alike.
 *
 *   const at = sourceVariants(pixels, { resize, flatten });
 *   const image = await at(0.8, flattensFor(output));
 */
export function sourceVariants<T>(
  full: T,
  make: { resize(full: T, scale: number): Promise<T>; flatten(image: T): Promise<T> },
): (scale: number, flat: boolean) => Promise<T> {
  const made = new Map<string, Promise<T>>();
  const at = (scale: number, flat: boolean): Promise<T> => {
    const key = `${scale} ${flat}`;
    let image = made.get(key);
    if (!image) {
      if (flat) image = at(scale, false).then(make.flatten);
      else if (scale === 1) image = Promise.resolve(full);
      else image = make.resize(full, scale);
      made.set(key, image);
    }
    return image;
  };
  return at;
}
