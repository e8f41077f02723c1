// Tallying a blind naming test (cli/blind.ts): raters name each shuffled image photo, anime,
// cartoon or painting, and a style filter is named at a glance when raters give its outputs
// its own name more often than any other.
export const NAMES = ['photo', 'anime', 'cartoon', 'painting'] as const;

/** Per source, how many times each name was given, over all raters' answers. */
export function tally(key: { file: string; source: string }[], answers: string[]): Record<string, Record<string, number>> {
  const table: Record<string, Record<string, number>> = {};
  for (const text of answers) {
    const said = new Map([...text.matchAll(/^\s*(\d{3})\s+(\w+)/gm)].map((m) => [`${m[1]}.png`, m[2].toLowerCase()]));
    for (const { file, source } of key) {
      const word = said.get(file);
      const name = word && (NAMES as readonly string[]).includes(word) ? word : 'none';
      table[source] ??= Object.fromEntries([...NAMES, 'none'].map((n) => [n, 0]));
      table[source][name]++;
    }
  }
  return table;
}
