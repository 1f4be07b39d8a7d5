// Whether the previous page of this app closed cleanly. A reload, a closed tab or a navigation
// fires 'pagehide', which leaves a mark in localStorage (synchronous, so it is written even as
// the page goes); a renderer crash or a killed tab leaves none.

const key = 'pixpool:clean-exit';

/**
 * True when the page before this one ended with 'pagehide', or when it cannot be told (no
 * localStorage): a false "crashed" would hold files back for nothing. Call once, at start; it
 * sets this page up to leave its own mark.
 */
export function previousExitWasClean(): boolean {
  try {
    const clean = localStorage.getItem(key) !== null;
    localStorage.removeItem(key);
    addEventListener('pagehide', () => localStorage.setItem(key, '1'));
    // Back from the back/forward cache: the page lives on, so its mark no longer holds.
    addEventListener('pageshow', (e) => e.persisted && localStorage.removeItem(key));
    return clean;
  } catch {
    return true;
  }
}
