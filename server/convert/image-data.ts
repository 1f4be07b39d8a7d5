/** Node has no ImageData; jSquash's glue constructs one for every decoded image. */
class ImageDataShim {
  readonly colorSpace = 'srgb';
  data: Uint8ClampedArray;
  width: number;
  height: number;
  constructor(a: Uint8ClampedArray | number, b: number, c?: number) {
    this.data = typeof a === 'number' ? new Uint8ClampedArray(a * b * 4) : a;
    this.width = typeof a === 'number' ? a : b;
    this.height = typeof a === 'number' ? b : (c ?? a.length / 4 / b);
  }
}

/** Gives Node a global ImageData (a no-op where one exists), before any jSquash codec runs. */
export function provideImageData(): void {
  (globalThis as { ImageData?: unknown }).ImageData ??= ImageDataShim;
}
