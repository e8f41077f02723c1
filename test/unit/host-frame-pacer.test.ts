import { describe, expect, it } from 'vitest';
import { FramePacer } from '../../host/frame-pacer';

/**
 * A simulated source at 30 fps and a filter that needs `inferMs` per frame, on a virtual clock:
 * which source frames get processed, when, and how many are dropped.
 */
function simulate(inferMs: number, frames: number) {
  const period = 1000 / 30;
  let now = 0, newest = -1, concurrent = 0, maxConcurrent = 0;
  const processed: { frame: number; start: number; end: number }[] = [];
  const events: { t: number; run: () => void }[] = [];
  const pacer = new FramePacer(() => {
    const job = { frame: newest, start: now, end: now + inferMs };
    concurrent++;
    maxConcurrent = Math.max(maxConcurrent, concurrent);
    events.push({ t: job.end, run: () => { concurrent--; processed.push(job); pacer.done(); } });
  });
  for (let f = 0; f < frames; f++) events.push({ t: f * period, run: () => { newest = f; pacer.offer(); } });
  while (events.length) {
    events.sort((a, b) => a.t - b.t); // completions before arrivals at the same instant do not matter here
    const e = events.shift()!;
    now = e.t;
    e.run();
  }
  return { processed, dropped: pacer.dropped, maxConcurrent, period };
}

describe('FramePacer (latest frame wins)', () => {
  it('a filter faster than the source processes every frame', () => {
    const r = simulate(10, 60);
    expect(r.processed.map((p) => p.frame)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(r.dropped).toBe(0);
  });

  it('a slow filter drops frames instead of queuing them, and output lags by at most one inference', () => {
    const r = simulate(100, 90); // 10 fps filter, 30 fps source, 3 s
    expect(r.maxConcurrent).toBe(1);
    // About one frame in three is processed; the rest are dropped, none queued.
    expect(r.processed.length).toBeGreaterThan(25);
    expect(r.processed.length).toBeLessThan(35);
    expect(r.dropped + r.processed.length).toBeGreaterThanOrEqual(88);
    for (const p of r.processed) {
      // Each processed frame was the newest when it started, and it started within one
      // inference of arriving: never a backlog.
      expect(p.start - p.frame * r.period).toBeLessThanOrEqual(100 + 1e-9);
    }
    // Frames are taken in order, skipping the superseded ones.
    const order = r.processed.map((p) => p.frame);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    const gaps = order.slice(1).map((f, i) => f - order[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(4);
  });

  it('reset forgets the in-flight and waiting frames', () => {
    let taken = 0;
    const pacer = new FramePacer(() => { taken++; });
    pacer.offer();
    pacer.offer();
    expect(pacer.busy).toBe(true);
    pacer.reset();
    expect(pacer.busy).toBe(false);
    pacer.done(); // a late completion of the abandoned frame starts nothing
    expect(taken).toBe(1);
    pacer.offer();
    expect(taken).toBe(2);
  });

  it('two in flight: the next frame is read while this one is filtered, so a serial filter never waits for the page', () => {
    // A 24 fps source; each frame needs 30 ms of page work (read, send, draw) and 40 ms in a worker
    // that takes frames one at a time: one in flight shows a frame every 70 ms, two every 40 ms.
    const shownPerSecond = (depth: number) => {
      let now = 0, newest = -1, workerFree = 0;
      const shown: number[] = [];
      const events: { t: number; run: () => void }[] = [];
      const pacer = new FramePacer(() => {
        const frame = newest;
        const end = Math.max(now + 30, workerFree) + 40;
        workerFree = end;
        events.push({ t: end, run: () => { shown.push(frame); pacer.done(); } });
      }, depth);
      for (let f = 0; f < 72; f++) events.push({ t: (f * 1000) / 24, run: () => { newest = f; pacer.offer(); } });
      while (events.length) {
        events.sort((a, b) => a.t - b.t);
        const e = events.shift()!;
        now = e.t;
        e.run();
      }
      expect(shown).toEqual([...new Set(shown)].sort((a, b) => a - b)); // each frame once, in order
      return shown.length / 3;
    };
    expect(shownPerSecond(1)).toBeLessThan(15);
    expect(shownPerSecond(2)).toBeGreaterThan(22);
  });
});
