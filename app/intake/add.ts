import type { AppContext } from '../context.js';
import { classify } from './classify.js';
import type { PickedFile } from './collect.js';

/** Sniffs picked files and adds them to the queue; every entry point (input, drop, paste, OS launch, share) comes through here. */
export async function addToQueue(
  { runner, settings, notices }: Pick<AppContext, 'runner' | 'settings' | 'notices'>,
  picked: PickedFile[],
): Promise<void> {
  if (picked.length === 0) return;
  try {
    await runner.addFiles(await classify(picked), settings.current);
  } catch (e) {
    notices.error(e instanceof Error ? e.message : String(e));
  }
}
