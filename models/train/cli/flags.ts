// Command-line options of the model tools: `--key value` pairs, each value one argument as the
// shell split them (so a quoted title keeps its spaces).

export function readFlags(argv: string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`expected --option value, got "${argv.slice(i, i + 2).join(' ')}"`);
    flags[argv[i].slice(2)] = argv[i + 1];
  }
  return flags;
}
