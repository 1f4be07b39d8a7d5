import type { Pixels } from './pixels.js';

// libheif-js is LGPL-3.0 and ~2 MB with its wasm inlined, so it is only ever loaded through
// the dynamic import below: bundlers keep it in a chunk of its own, fetched on the first HEIC.
// Its .mjs build is a plain ES module that Vite and Node both import as is (the package's
// `wasm-bundle` entry is CommonJS).

interface HeifImage {
  get_width(): number;
  get_height(): number;
  is_primary(): boolean;
  display(target: Pixels, done: (result: Pixels | null) => void): void;
  free(): void;
}

interface HeifDecoder {
  /** Returns [] (and logs why) when the file cannot be parsed. */
  decode(bytes: Uint8Array): HeifImage[];
}

interface LibHeif {
  HeifDecoder: new () => HeifDecoder;
}

interface LibHeifEntry {
  default: (options?: object) => LibHeif;
}

let decoder: Promise<HeifDecoder> | undefined;

/**
 * Loads libheif now; it embeds its wasm, so there is nothing to pass in. One decoder is
 * reused because each `decode` frees the context the previous call left open.
 */
export function init(): Promise<HeifDecoder> {
  // @ts-expect-error libheif-js types its emscripten module, not this entry: LibHeif types it.
  decoder ??= import('libheif-js/libheif-wasm/libheif-bundle.mjs').then((m: LibHeifEntry) => {
    // The factory returns the module synchronously: the wasm bytes are inlined.
    const libheif = m.default();
    return new libheif.HeifDecoder();
  });
  return decoder;
}

/**
 * Decodes the primary image to RGBA. libheif applies the irot/imir transforms, so the result
 * is already upright and EXIF orientation must not be applied again.
 */
export async function decode(bytes: Uint8Array): Promise<Pixels> {
  const heif = await init();
  const images = heif.decode(bytes);
  if (!images.length) throw new Error('libheif could not read the HEIF structure');
  try {
    const image = images.find((i) => i.is_primary()) ?? images[0];
    const width = image.get_width();
    const height = image.get_height();
    const target = { data: new Uint8ClampedArray(width * height * 4), width, height };
    const result = await new Promise<Pixels | null>((resolve) => image.display(target, resolve));
    if (!result) throw new Error('libheif could not decode the image data');
    return target;
  } finally {
    for (const i of images) i.free();
  }
}
