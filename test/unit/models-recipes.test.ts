// Each shipped filter has a recipe (models/recipes/<id>.json) that `npm run train -- --recipe`
// can run: known options of the right types, stages that start from runs made before them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainDefaults } from '../../models/train/cli/defaults';
import { readRecipe, recipeConfig } from '../../models/train/cli/recipe';

const ROOT = join(__dirname, '../..');
const defaults = trainDefaults(ROOT);
const registry = JSON.parse(readFileSync(join(ROOT, 'models/registry.json'), 'utf8')) as { filters: { id: string; kind: string }[] };

describe('recipes', () => {
  it('every registry filter has one, of its kind', () => {
    for (const f of registry.filters) expect(readRecipe(ROOT, f.id).kind, f.id).toBe(f.kind === 'style' ? 'style' : 'sr');
  });

  it('every stage sets known options with the right types; copies and blends use runs made before them', () => {
    for (const file of readdirSync(join(ROOT, 'models/recipes'))) {
      const r = readRecipe(ROOT, file.replace(/\.json$/, ''));
      const made = new Set<string>();
      for (const stage of r.stages) {
        expect(() => recipeConfig(ROOT, defaults[r.kind], stage.options), `${r.id} ${stage.run}`).not.toThrow();
        if (stage.from) expect([...made].some((m) => stage.from === m || stage.from!.startsWith(`${m}/`)), `${r.id}: ${stage.from} made earlier`).toBe(true);
        made.add(stage.run);
      }
      if (r.blend) for (const run of [r.blend.l1, r.blend.gan]) expect([...made].some((m) => run === m || run.startsWith(`${m}/`)), `${r.id}: ${run}`).toBe(true);
      // A fine-tune after the blend starts from the blend's export.
      for (const stage of r.after ?? []) {
        expect(r.blend, `${r.id}: "after" stages follow a blend`).toBeDefined();
        expect(() => recipeConfig(ROOT, defaults[r.kind], stage.options), `${r.id} ${stage.run}`).not.toThrow();
        expect(stage.options.init, `${r.id} ${stage.run}`).toBe(`models/weights/${r.id}/model.json`);
      }
    }
  });

  it('an unknown option or a wrong type is refused', () => {
    expect(() => recipeConfig(ROOT, defaults.sr, { chanels: 3 })).toThrow(/recipe option "chanels"/);
    expect(() => recipeConfig(ROOT, defaults.sr, { channels: '3' })).toThrow(/must be a number/);
  });
});
