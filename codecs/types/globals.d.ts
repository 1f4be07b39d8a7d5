// The codecs run in browsers and in Node, so their project compiles without the DOM lib. These
// are the two browser types the jSquash glue speaks in, as far as the adapters use them; in
// the app's projects the DOM's own declarations stand instead (this file is not referenced).

interface ImageData {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

declare namespace WebAssembly {
  /** A compiled module: the browser fetches one itself, Node compiles it and passes it in. */
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Module {}
}
