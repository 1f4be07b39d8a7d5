import sharp from 'sharp';

// libvips loaders we use, by operation class: blocking a class blocks every subclass, so
// blocking VipsForeignLoad and unblocking these six leaves SVG, PDF, VIPS, FITS, Magick,
// OpenSlide and the other loaders unreachable even for bytes that claim to be one of
// them. Names from `vips -l foreign`: heif covers AVIF (HEIC is decoded in wasm, see heic.ts);
// nsgif is the GIF loader; VipsForeignLoadTiff is the base of tiffload, tiffload_buffer and
// tiffload_source (libtiff), reached only after shared/structure/tiff.ts admitted the file.
const allowedLoaders = [
  'VipsForeignLoadJpeg',
  'VipsForeignLoadPng',
  'VipsForeignLoadWebp',
  'VipsForeignLoadHeif',
  'VipsForeignLoadNsgif',
  'VipsForeignLoadTiff',
];

let configured = false;

/**
 * Sets sharp up for untrusted input and for running several images at once. Idempotent.
 *
 * - Loaders: only the six above (sharp.block / sharp.unblock).
 * - sharp.concurrency(1): one libvips thread per image. sharp picks 1 by itself on glibc
 *   without jemalloc (this machine) to limit memory fragmentation; saying so makes it
 *   deliberate everywhere. Parallelism comes from converting CONCURRENCY images at once, each
 *   on its own libuv thread (hence UV_THREADPOOL_SIZE, see start.cts).
 * - sharp.cache(false): every input is a different file; the operation cache would only hold
 *   memory.
 */
export function configureSharp(): void {
  if (configured) return;
  configured = true;
  sharp.block({ operation: ['VipsForeignLoad'] });
  sharp.unblock({ operation: allowedLoaders });
  sharp.concurrency(1);
  sharp.cache(false);
}
