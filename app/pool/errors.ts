/** The user cancelled the job; the item becomes 'cancelled', not 'failed'. */
export class JobCancelled extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'JobCancelled';
  }
}

/** The pool was resized or destroyed under a running job; the item goes back to pending. */
export class JobInterrupted extends Error {
  constructor() {
    super('Interrupted');
    this.name = 'JobInterrupted';
  }
}
