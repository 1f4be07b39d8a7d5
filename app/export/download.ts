/**
 * How long an object URL outlives its click. Revoking at once can cancel the download in some
 * browsers; FileSaver.js waits 40 s for the same reason.
 */
const revokeAfterMs = 40_000;

/** Saves a Blob through the browser's download flow, as `name`. */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), revokeAfterMs);
  }
}
