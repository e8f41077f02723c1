// A shipped filter's recipe: a data file, models/recipes/<id>.json, that `npm run train --
// --recipe <id>` runs stage by stage. Each stage is one training run with its options (the
// trainer's option names, values typed); a stage with `from` starts as a copy of that earlier
// run's folder (checkpoint included) and resumes it with new options. Super-resolution recipes
// end in a blend of two checkpoints (sr/blend.ts), which `after` stages may fine-tune further
// (their `init` is the blend's export).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface RecipeStage {
  /** Run folder, relative to the repository. */
  run: string;
  /** Earlier run folder this one starts as a copy of. */
  from?: string;
  /**
   * A folder of teacher pairs the filter as exported by the stages before renders first (npm run
   * teacher -- --filter ID --out DIR): a cheaper student of it trains on them (`pairs`).
   */
  teacherPairs?: string;
  options: Record<string, string | number | boolean>;
}

export interface Recipe {
  id: string;
  title: string;
  kind: 'sr' | 'style';
  /** What the recipe does and why, for people (not read by the tools). */
  about?: string;
  stages: RecipeStage[];
  blend?: { l1: string; gan: string; alpha: number };
  /** Stages run after the blend, on its export. */
  after?: RecipeStage[];
}

export function readRecipe(repoRoot: string, id: string): Recipe {
  const path = join(repoRoot, 'models/recipes', `${id}.json`);
  const r = JSON.parse(readFileSync(path, 'utf8')) as Recipe;
  if (r.id !== id || !['sr', 'style'].includes(r.kind) || !Array.isArray(r.stages) || !r.stages.length || [...r.stages, ...(r.after ?? [])].some((s) => typeof s.run !== 'string')) {
    throw new Error(`${path}: expected {"id": "${id}", "title", "kind": "sr" | "style", "stages": [{"run", "options"}, ...]}`);
  }
  return r;
}

/** A stage's options over the trainer's defaults: each must be a known option of the same type; paths are relative to the repository. */
export function recipeConfig<T extends object>(repoRoot: string, base: T, options: Record<string, unknown>): T {
  const cfg: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(options)) {
    if (!(key in base)) throw new Error(`recipe option "${key}" is none of ${Object.keys(base).join(', ')}`);
    if (typeof value !== typeof base[key as keyof T]) throw new Error(`recipe option "${key}" must be a ${typeof base[key as keyof T]}`);
    cfg[key] = ['data', 'style', 'run', 'clip', 'init', 'pairs'].includes(key) && value ? resolve(repoRoot, value as string) : value;
  }
  return cfg as T;
}
