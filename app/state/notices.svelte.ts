export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

/** Messages for the whole page (storage full, restored batch…), shown in a live region. */
export class Notices {
  list = $state.raw<Notice[]>([]);
  #next = 1;

  info(text: string): void {
    this.#push('info', text);
  }

  error(text: string): void {
    this.#push('error', text);
  }

  dismiss(id: number): void {
    this.list = this.list.filter((n) => n.id !== id);
  }

  #push(kind: Notice['kind'], text: string): void {
    if (this.list.some((n) => n.text === text)) return;
    this.list = [...this.list, { id: this.#next++, kind, text }];
  }
}
