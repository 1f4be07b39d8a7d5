import { describe, expect, it } from 'vitest';
import { causeOf, decodeFailure } from '../../../shared/codec-errors.js';

describe('causeOf', () => {
  it('names the error and keeps one line', () => {
    expect(causeOf(new RangeError('bad\n  length'))).toBe('RangeError: bad length');
    expect(causeOf(new Error('plain'))).toBe('plain');
  });

  it('reads what codecs throw that is not an Error, never "[object Object]"', () => {
    expect(causeOf({ message: 'Invalid JPEG' })).toBe('Invalid JPEG');
    expect(causeOf({ code: 7 })).toBe('the codec failed without saying why');
    expect(causeOf(42)).toBe('the codec raised an internal exception');
    expect(causeOf('text')).toBe('text');
    expect(decodeFailure('JPEG', {}).message).not.toContain('[object Object]');
  });
});
