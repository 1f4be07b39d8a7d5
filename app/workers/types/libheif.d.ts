// libheif-js ships typings for its emscripten module (libheif.d.ts) but none for the .mjs
// bundle entry, and not for the HeifDecoder wrapper; codecs/heic.ts types what it uses.
declare module 'libheif-js/libheif-wasm/libheif-bundle.mjs' {
  const createLibheif: (options?: object) => unknown;
  export default createLibheif;
}
