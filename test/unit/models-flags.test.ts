import { describe, expect, it } from 'vitest';
import { readFlags } from '../../models/train/cli/flags';

describe('model tools command line', () => {
  it('reads --key value pairs, a value with spaces whole, and rejects a key without a value', () => {
    expect(readFlags(['--id', 'sr-x2-fast', '--title', 'Super-resolution x2 (fast)'])).toEqual({ id: 'sr-x2-fast', title: 'Super-resolution x2 (fast)' });
    expect(() => readFlags(['--id'])).toThrow(/expected --option value/);
    expect(() => readFlags(['id', 'x'])).toThrow(/expected --option value/);
  });
});
