import { registerSW } from 'virtual:pwa-register';

interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

/** Service worker state for the page: offline readiness, a waiting update, installability. */
export class Pwa {
  offlineReady = $state(false);
  /** A new version is installed and waiting; it takes over only when the user says so. */
  updateWaiting = $state(false);
  canInstall = $state(false);

  #update: ((reload?: boolean) => Promise<void>) | null = null;
  #installEvent: BeforeInstallPromptEvent | null = null;

  start(): void {
    window.addEventListener('beforeinstallprompt', (e) => {
      e.preventDefault();
      this.#installEvent = e as BeforeInstallPromptEvent;
      this.canInstall = true;
    });
    window.addEventListener('appinstalled', () => (this.canInstall = false));
    if (!('serviceWorker' in navigator)) return;
    this.#update = registerSW({
      immediate: true,
      onOfflineReady: () => (this.offlineReady = true),
      onNeedRefresh: () => (this.updateWaiting = true),
      onRegisterError: (e) => console.warn('Service worker registration failed', e),
    });
  }

  /** Activates the waiting version and reloads; the queue is in IndexedDB, so nothing is lost. */
  async applyUpdate(): Promise<void> {
    // workbox-window reloads only for an update it saw itself; a worker installed by another
    // tab or after its 60 s window counts as external, so reload on the takeover either way.
    navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), {
      once: true,
    });
    await this.#update?.(true);
  }

  async install(): Promise<void> {
    const e = this.#installEvent;
    if (!e) return;
    await e.prompt();
    await e.userChoice;
    this.#installEvent = null;
    this.canInstall = false;
  }
}
