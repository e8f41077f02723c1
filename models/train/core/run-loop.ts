// The loop both trainers run: from the step a run folder's checkpoint got to, until `total`
// steps; after each step the exported EMA follows G, the RNG state is kept, and every 20 steps a
// progress line, every `checkpointEvery` a checkpoint, every `sampleEvery` the sample pictures.
import type { Rng } from './data.js';
import { Progress } from './run-state.js';

/** What a run keeps in its checkpoint besides tensors: its step, RNG and loss history. */
export interface LoopState<Row> { step: number; rng: number; history: (Row & { step: number })[] }

export interface Loop<Row> {
  total: number;
  checkpointEvery: number;
  sampleEvery: number;
  state: LoopState<Row>;
  rng: Rng;
  log(line: string): void;
  /** One training step; its losses and the phase name for the progress line. */
  step(): Promise<{ row: Row; phase: string }>;
  /** Called after each step with the step's index (the EMA update). */
  afterStep?(step: number): void;
  save(): Promise<void>;
  pictures(): void;
  /** Extra checkpoint steps, and what to do there after saving (the end of a pre-training phase). */
  milestone?: { at: number; run(): Promise<void> };
}

export async function runLoop<Row extends object>(loop: Loop<Row>): Promise<{ seconds: number; steps: number }> {
  const { state } = loop;
  const t0 = Date.now(), start = state.step;
  const progress = new Progress(loop.total, start);
  let phase = '';
  while (state.step < loop.total) {
    const r = await loop.step();
    phase = r.phase;
    loop.afterStep?.(state.step);
    state.step++;
    state.history.push({ ...r.row, step: state.step });
    state.rng = loop.rng.state;
    const last = state.step === loop.total, atMilestone = state.step === loop.milestone?.at;
    if (state.step % 20 === 0 || last) loop.log(progress.line(state.step, phase, state.history.slice(-20)));
    if (state.step % loop.checkpointEvery === 0 || last || atMilestone) await loop.save();
    if (state.step % loop.sampleEvery === 0 || last) loop.pictures();
    if (atMilestone) await loop.milestone!.run();
  }
  return { seconds: (Date.now() - t0) / 1000, steps: state.step - start };
}
