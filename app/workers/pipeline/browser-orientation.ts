import type { FormatId } from '../../../shared/formats/index.js';

// Whether createImageBitmap applies EXIF orientation differs by engine and format: measured in
// headless Chromium, JPEG and PNG (eXIf) are turned but WebP is not, and Firefox is reported to
// turn none (servo/servo#37634). The spec leaves it open (whatwg/html#7210, #8085), and
// `imageOrientation: 'none'` means different things per engine, so it is measured instead:
// each sample is 2 × 1 px tagged with orientation 6, which comes back 1 × 2 when applied.
const samples: Partial<Record<FormatId, [mime: string, base64: string]>> = {
  jpeg: [
    'image/jpeg',
    '/9j/4AAQSkZJRgABAQAAAQABAAD/4QAiRXhpZgAATU0AKgAAAAgAAQESAAMAAAABAAYAAAAAAAD/2wEEEAAQABAAEAAQABEAEAASABQAFAASABkAGwAYABsAGQAlACIAHwAfACIAJQA4ACgAKwAoACsAKAA4AFUANQA+ADUANQA+ADUAVQBLAFsASgBFAEoAWwBLAIcAagBeAF4AagCHAJwAgwB8AIMAnAC9AKkAqQC9AO4A4gDuATcBNwGiEQAQABAAEAAQABEAEAASABQAFAASABkAGwAYABsAGQAlACIAHwAfACIAJQA4ACgAKwAoACsAKAA4AFUANQA+ADUANQA+ADUAVQBLAFsASgBFAEoAWwBLAIcAagBeAF4AagCHAJwAgwB8AIMAnAC9AKkAqQC9AO4A4gDuATcBNwGi/8EAEQgAAQACAwEiAAIRAQMRAf/EAFkAAQEAAAAAAAAAAAAAAAAAAAAGEAEAAgMAAAAAAAAAAAAAAAAAAQIDM3IBAQEAAAAAAAAAAAAAAAAAAAMGEQABAwUAAAAAAAAAAAAAAAADAAKxBDM0cnP/2gAMAwEAAhEDEQA/AJDJsv1IC/p8cPNsITXi7ulf/9k=',
  ],
  png: [
    'image/png',
    'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAYAAAD0In+KAAAAGmVYSWZNTQAqAAAACAABARIAAwAAAAEABgAAAAAAANZnS2kAAAAUSURBVHgBAQkA9v8A/wAA/wAA//8P+QP9pi5wUQAAAABJRU5ErkJggg==',
  ],
  webp: [
    'image/webp',
    'UklGRlIAAABXRUJQVlA4WAoAAAAIAAAAAQAAAAAAVlA4TBEAAAAvAQAAAA8Q87//8x8OMqL/AQBFWElGGgAAAE1NACoAAAAIAAEBEgADAAAAAQAGAAAAAAAA',
  ],
};

const measured = new Map<FormatId, Promise<boolean>>();

const sampleBytes = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

async function measure(mime: string, base64: string): Promise<boolean> {
  const bytes = sampleBytes(base64);
  const bitmap = await createImageBitmap(new Blob([bytes], { type: mime }), {
    imageOrientation: 'from-image',
  });
  const turned = bitmap.width === 1 && bitmap.height === 2;
  bitmap.close();
  return turned;
}

/**
 * Whether this engine's createImageBitmap turns `format` by its orientation metadata. AVIF's
 * irot/imir are essential properties every engine applies; GIF and BMP carry none.
 */
export function browserOrients(format: FormatId): Promise<boolean> {
  const sample = samples[format];
  if (!sample) return Promise.resolve(true);
  let result = measured.get(format);
  if (!result) {
    // A failed probe counts as "not applied": our own orient step then does the turning.
    result = measure(...sample).catch(() => false);
    measured.set(format, result);
  }
  return result;
}

let framesUpright: Promise<boolean> | undefined;

/**
 * Whether this engine's ImageDecoder hands back a JPEG's frames already turned by its EXIF
 * orientation. Measured: Firefox 153's are upright (and scaled to exactly the size asked);
 * Chromium 156's are as stored, with the turn in the frame's `rotation` and `flip`. The
 * sample comes back 1 × 2 when turned.
 */
export function imageDecoderTurnsJpeg(): Promise<boolean> {
  framesUpright ??= (async () => {
    const [type, base64] = samples.jpeg!;
    const decoder = new ImageDecoder({ data: sampleBytes(base64), type });
    try {
      const { image } = await decoder.decode();
      const upright = image.codedWidth === 1 && image.codedHeight === 2;
      image.close();
      return upright;
    } finally {
      decoder.close();
    }
  })().catch(() => false);
  return framesUpright;
}
