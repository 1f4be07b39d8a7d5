// Codec failures arrive as wasm traps ('RuntimeError: unreachable'), emscripten aborts,
// bare numbers (C++ exceptions) or jSquash's 'Decoding error'. These turn them into one
// plain Error whose message says what failed and keeps the low-level cause in brackets.

const outOfMemory = /allocation failed|maximum memory|enlarge memory|out of memory|memory\.grow/i;

/** A short printable form of whatever a codec threw. */
export function causeOf(e: unknown): string {
  if (typeof e === 'number') return 'the codec raised an internal exception';
  // wasm-bindgen's message when Rust code gave up without saying why.
  if (e instanceof Error && e.message.includes('unwrap_throw'))
    return 'the decoder rejected the data';
  const text =
    e instanceof Error
      ? `${e.name === 'Error' ? '' : e.name + ': '}${e.message}`
      : typeof e === 'object' && e !== null
        ? // Some Emscripten builds throw plain objects; String() would say "[object Object]".
          typeof (e as { message?: unknown }).message === 'string'
          ? (e as { message: string }).message
          : 'the codec failed without saying why'
        : String(e);
  const oneLine = text.replace(/\s+/g, ' ').trim() || 'no details';
  return oneLine.length > 160 ? oneLine.slice(0, 159) + '…' : oneLine;
}

function isOutOfMemory(e: unknown): boolean {
  return e instanceof Error && outOfMemory.test(e.message);
}

/** Example: 'Could not decode PNG: the file is damaged or truncated (RuntimeError: unreachable)'. */
export function decodeFailure(label: string, e: unknown, size?: string): Error {
  if (isOutOfMemory(e)) {
    const what = size ? `a ${size} image` : 'this image';
    return new Error(`Could not decode ${label}: not enough memory for ${what} (${causeOf(e)})`);
  }
  return new Error(`Could not decode ${label}: the file is damaged or truncated (${causeOf(e)})`);
}

/** Example: 'Could not encode AVIF: not enough memory for a 8000 × 6000 px image (…)'. */
export function encodeFailure(label: string, e: unknown, size: string): Error {
  if (isOutOfMemory(e)) {
    return new Error(
      `Could not encode ${label}: not enough memory for a ${size} image; try a smaller size (${causeOf(e)})`,
    );
  }
  return new Error(`Could not encode ${label} at ${size} (${causeOf(e)})`);
}
