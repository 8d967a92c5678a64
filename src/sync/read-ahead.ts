/**
 * Reads an async iterable ahead of its consumer, up to `capacity` items: a CRM's pages keep
 * coming (within its rate limits) while the pages already read are mapped and stored. The
 * consumer gets the items in order; a failure of the source reaches it after the items read
 * before it; a consumer that stops early stops the reading after the item in flight.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, capacity: number): AsyncGenerator<T> {
  const buffer: T[] = [];
  // Written by the reader below, read by the consumer: kept in one object so both see changes.
  const state: { finished: boolean; failure: Error | null; stopped: boolean; wake: (() => void) | null; room: (() => void) | null } = {
    finished: false,
    failure: null,
    stopped: false,
    wake: null,
    room: null,
  };
  const wake = () => {
    state.wake?.();
    state.wake = null;
  };
  const reader = (async () => {
    try {
      for await (const item of source) {
        buffer.push(item);
        wake();
        while (buffer.length >= capacity && !state.stopped) await new Promise<void>((resolve) => (state.room = resolve));
        if (state.stopped) return;
      }
    } catch (error) {
      state.failure = error instanceof Error ? error : new Error('reading ahead failed', { cause: error });
    } finally {
      state.finished = true;
      wake();
    }
  })();
  try {
    for (;;) {
      if (buffer.length > 0) {
        const item = buffer.shift()!;
        state.room?.();
        state.room = null;
        yield item;
        continue;
      }
      if (state.failure) throw state.failure;
      if (state.finished) return;
      await new Promise<void>((resolve) => (state.wake = resolve));
    }
  } finally {
    state.stopped = true;
    state.room?.();
    await reader;
  }
}
