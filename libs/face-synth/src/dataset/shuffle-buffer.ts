import type { Rng } from '../random';

/**
 * Streaming shuffle: keep up to `capacity` items, emit a random one whenever full. Memory is
 * bounded by the capacity, yet items from neighbouring shards mix.
 */
export async function* shuffleBuffer<T>(source: AsyncIterable<T>, capacity: number, rng: Rng): AsyncGenerator<T, void, undefined> {
  const buffer: T[] = [];
  for await (const item of source) {
    if (buffer.length < capacity) {
      buffer.push(item);
      continue;
    }
    const k = rng.int(capacity);
    const out = buffer[k] as T;
    buffer[k] = item;
    yield out;
  }
  // Drain in random order.
  const order = rng.permutation(buffer.length);
  for (const k of order) yield buffer[k] as T;
}
