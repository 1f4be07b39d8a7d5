/** Limits both sides enforce; the server may lower them by configuration. */
export const limits = {
  /** sharp's default limitInputPixels (0x3FFF²): a 268 MP RGBA image is already ~1 GiB. */
  maxInputPixels: 0x3fff * 0x3fff,
  /** The longest side any decoder here accepts. */
  maxDimension: 65_535,
  /** A single input file. */
  maxFileBytes: 512 * 1024 * 1024,
} as const;
