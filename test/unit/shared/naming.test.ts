import { describe, expect, it } from 'vitest';
import {
  planOutputPaths,
  replaceExtension,
  safeArchivePath,
  utf8ByteLength,
} from '../../../shared/naming.js';

describe('safeArchivePath', () => {
  it.each([
    ['trip\\day1\\a.jpg', 'trip/day1/a.jpg'],
    ['/etc/passwd', 'etc/passwd'],
    ['../../evil.jpg', 'evil.jpg'],
    ['a/./b/../c.jpg', 'a/b/c.jpg'],
    ['C:\\Users\\me\\a.jpg', 'Users/me/a.jpg'],
    ['C:\\trip\\..\\..\\day<1>\\IMG.jpg', 'trip/day_1_/IMG.jpg'],
    ['c:', 'unnamed'],
    ['//server/share/a.jpg', 'server/share/a.jpg'],
    ['a\u0000b\u001fc\u007f.jpg', 'abc.jpg'],
    ['what? <yes> "no" a|b*c:d.jpg', 'what_ _yes_ _no_ a_b_c_d.jpg'],
    ['folder. . /name...', 'folder/name'],
    ['', 'unnamed'],
    ['/../.', 'unnamed'],
    ['CON.jpg', '_CON.jpg'],
    ['lpt1', '_lpt1'],
    ['console.jpg', 'console.jpg'],
  ])('turns %j into %j', (input, expected) => {
    expect(safeArchivePath(input)).toBe(expected);
  });

  it('keeps Unicode names, normalised to NFC', () => {
    const decomposed = 'Cafe\u0301/\u65e5\u672c.jpg'; // e + combining acute, as macOS stores it
    expect(safeArchivePath(decomposed)).toBe('Caf\u00e9/\u65e5\u672c.jpg');
    expect(safeArchivePath('photos/🌅 sunrise.jpg')).toBe('photos/🌅 sunrise.jpg');
  });

  it('caps each name at 255 bytes of UTF-8 without splitting a character, keeping the extension', () => {
    const long = '日'.repeat(100) + '.jpg'; // 304 bytes
    const capped = safeArchivePath('dir/' + long);
    const name = capped.split('/')[1];
    expect(name.endsWith('.jpg')).toBe(true);
    expect(utf8ByteLength(name)).toBe(253); // 83 × 3 + 4: one more 日 would make 256
    expect(name).toBe('日'.repeat(83) + '.jpg');
    const emoji = safeArchivePath('😀'.repeat(70)); // 280 bytes, no extension
    expect(emoji).toBe('😀'.repeat(63));
    expect(safeArchivePath('d'.repeat(300) + '/x')).toBe('d'.repeat(255) + '/x');
  });

  it('replaces a lone surrogate instead of writing invalid UTF-8', () => {
    expect(safeArchivePath('a\ud800b.jpg')).toBe('a\ufffdb.jpg');
  });
});

describe('utf8ByteLength', () => {
  it('counts 1 to 4 bytes per code point', () => {
    expect(utf8ByteLength('a')).toBe(1);
    expect(utf8ByteLength('é')).toBe(2);
    expect(utf8ByteLength('日')).toBe(3);
    expect(utf8ByteLength('😀')).toBe(4);
    expect(utf8ByteLength('aé日😀')).toBe(Buffer.byteLength('aé日😀'));
  });
});

describe('replaceExtension', () => {
  it.each([
    ['a.jpg', 'webp', 'a.webp'],
    ['dir/a.b.JPEG', 'png', 'dir/a.b.png'],
    ['noext', 'webp', 'noext.webp'],
    ['dir.d/noext', 'webp', 'dir.d/noext.webp'],
    ['.hidden', 'jpg', '.hidden.jpg'],
    ['a.jpg', '.avif', 'a.avif'],
    ['a.jpg', '', 'a'],
  ])('replaceExtension(%j, %j) is %j', (path, ext, expected) => {
    expect(replaceExtension(path, ext)).toBe(expected);
  });
});

describe('planOutputPaths', () => {
  const plan = (...inputs: [string, string][]) =>
    [
      ...planOutputPaths(
        inputs.map(([path, extension], i) => ({ id: String(i), path, extension })),
      ).entries(),
    ]
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, out]) => out);

  it('gives two inputs that would share a name distinct outputs', () => {
    expect(plan(['a.jpg', 'webp'], ['a.png', 'webp'])).toEqual(['a.webp', 'a (2).webp']);
  });

  it('lets an input that already has the output name keep it, whatever its position', () => {
    expect(plan(['a.jpg', 'webp'], ['a.webp', 'webp'], ['a.png', 'webp'])).toEqual([
      'a.webp',
      'a (2).webp',
      'a (3).webp',
    ]);
    expect(plan(['a.jpg', 'webp'], ['a (2).jpg', 'webp'], ['a.png', 'webp'])).toEqual([
      'a.webp',
      'a (2).webp',
      'a (3).webp',
    ]);
  });

  it('compares names case-insensitively, as Windows and macOS folders do', () => {
    expect(plan(['Photo.JPG', 'webp'], ['photo.png', 'webp'], ['TRIP/x.jpg', 'jpg'])).toEqual([
      'Photo.webp',
      'photo (2).webp',
      'TRIP/x.jpg',
    ]);
    expect(plan(['Trip/a.jpg', 'webp'], ['trip/A.png', 'webp'])).toEqual([
      'Trip/a.webp',
      'trip/A (2).webp',
    ]);
  });

  it('keeps files in different folders apart without renaming them', () => {
    expect(plan(['day1/a.jpg', 'webp'], ['day2/a.jpg', 'webp'])).toEqual([
      'day1/a.webp',
      'day2/a.webp',
    ]);
  });

  it('does not give a file the name of a folder', () => {
    expect(plan(['x.webp/a.jpg', 'webp'], ['x.png', 'webp'])).toEqual([
      'x.webp/a.webp',
      'x (2).webp',
    ]);
  });

  it('is deterministic and uses the safe form of each path', () => {
    const inputs: [string, string][] = [
      ['..\\a.jpg', 'jpg'],
      ['a.jpeg', 'jpg'],
      ['', 'png'],
    ];
    expect(plan(...inputs)).toEqual(['a.jpg', 'a (2).jpg', 'unnamed.png']);
    expect(plan(...inputs)).toEqual(plan(...inputs));
  });

  it('keeps a suffixed name within 255 bytes', () => {
    const stem = 'x'.repeat(260);
    const [first, second] = plan([stem + '.jpg', 'webp'], [stem + '.png', 'webp']);
    expect(first).toBe('x'.repeat(250) + '.webp');
    expect(second).toBe('x'.repeat(246) + ' (2).webp');
  });
});

describe('planOutputPaths with formats settled later', () => {
  it('keeps stems apart across extensions, so a later extension swap meets no other file', () => {
    const planned = planOutputPaths([
      { id: '1', path: 'a.jpg', extension: 'avif' },
      { id: '2', path: 'a.png', extension: 'webp' },
    ]);
    expect([...planned.values()]).toEqual(['a.avif', 'a (2).webp']);
    expect(replaceExtension(planned.get('2')!, 'avif')).toBe('a (2).avif');
  });
});
