/** RGBA pixels, row-major, 4 bytes each: the shape of ImageData, so Node tests need no DOM. */
export interface Pixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/**
 * The same pixels in a buffer of their own. Several jSquash entry points read
 * `new Uint8Array(data.buffer)` and ignore the view's offset, so a view into a larger buffer
 * would hand them the wrong bytes.
 */
export function ownBuffer(image: Pixels): Pixels {
  const { data } = image;
  if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) return image;
  return { data: data.slice(), width: image.width, height: image.height };
}

/** A byte copy that owns its ArrayBuffer exactly (wasm glue and Comlink transfer want that). */
export function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) {
    return bytes.buffer as ArrayBuffer;
  }
  return bytes.slice().buffer as ArrayBuffer;
}
