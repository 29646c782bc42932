/** Times `fn` over `rounds` passes of `items` after a warm-up; returns ops/s and latency percentiles in ms. */
export async function measure(items, fn, { rounds = 40, warmup = 5 } = {}) {
  for (let r = 0; r < warmup; r++) for (const item of items) await fn(item);
  const samples = [];
  const started = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const item of items) {
      const t = performance.now();
      await fn(item);
      samples.push(performance.now() - t);
    }
  }
  const elapsed = performance.now() - started;
  samples.sort((a, b) => a - b);
  const pick = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { ops: (samples.length / elapsed) * 1000, p50: pick(0.5), p99: pick(0.99), n: samples.length };
}

export const fmt = (n, digits = 3) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(digits));
