import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { DeflatingFileOutput, writeZipFromDeflated } from '@exportkit/writers';
import { tempDir } from './support/write-file.js';

/*
 * The default package's zip is assembled from copies deflated while the files were written.
 * Read back by Info-ZIP (`unzip -t`, `unzip -p`): every entry's bytes are the file's bytes.
 */
describe('writers: zip from deflated copies', () => {
  let dir: string;
  let remove: () => Promise<void>;
  before(async () => ({ dir, remove } = await tempDir('exportkit-zip-')));
  after(() => remove());

  /** Writes `chunks` through a DeflatingFileOutput; returns the file's path and its deflated copy. */
  async function written(name: string, chunks: Buffer[]) {
    const output = new DeflatingFileOutput(join(dir, name), join(dir, `${name}.deflate`));
    for (const chunk of chunks) if (!output.write(chunk)) await new Promise((resolve) => output.once('drain', resolve));
    await new Promise<void>((resolve, reject) =>
      output.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    return { path: join(dir, name), copy: await output.copy() };
  }

  for (const forceZip64 of [false, true]) {
    it(`entries read back identical${forceZip64 ? ', with Zip64 records' : ''}: files (text, random bytes, empty) and a content`, async () => {
      const text = await written(
        'rows é.csv',
        Array.from({ length: 50 }, (_, i) => Buffer.from(`row ${i};é;"x"\r\n`.repeat(500))),
      );
      const noise = await written('noise.bin', [randomBytes(300_000), randomBytes(5)]);
      const empty = await written('empty.txt', []);
      const zip = join(dir, forceZip64 ? 'out64.zip' : 'out.zip');
      await writeZipFromDeflated(
        zip,
        [
          { name: 'rows é.csv', copy: text.copy },
          { name: 'noise.bin', copy: noise.copy },
          { name: 'empty.txt', copy: empty.copy },
          { name: 'manifest.json', content: '{"a": 1}\n' },
        ],
        new Date('2024-06-30T12:00:00Z'),
        undefined,
        { forceZip64 },
      );
      expect(execFileSync('unzip', ['-t', zip], { encoding: 'utf8' })).to.contain('No errors detected');
      expect(execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n')).to.deep.equal([
        'rows é.csv',
        'noise.bin',
        'empty.txt',
        'manifest.json',
      ]);
      for (const file of [text, noise, empty]) {
        const entry = execFileSync('unzip', ['-p', zip, file.path.slice(dir.length + 1)], { maxBuffer: 1 << 26 });
        expect(entry.equals(await readFile(file.path)), file.path).to.equal(true);
      }
      expect(execFileSync('unzip', ['-p', zip, 'manifest.json'], { encoding: 'utf8' })).to.equal('{"a": 1}\n');
    });
  }

  it('keeps every byte in order: small chunks gathered across 1 MiB blocks, big ones handed on between them', async () => {
    // 30 × 50 kB cross a block end; the 700 kB and 2.5 MB chunks go on as they are, after what is gathered.
    const small = () => Array.from({ length: 30 }, () => randomBytes(50_000));
    const chunks = [
      ...small(),
      randomBytes(700_000),
      randomBytes(3),
      randomBytes(2_500_000),
      ...small(),
      randomBytes(5),
    ];
    const whole = Buffer.concat(chunks);
    const { path, copy } = await written('blocks.bin', chunks);
    expect((await readFile(path)).equals(whole)).to.equal(true);
    expect(copy.size).to.equal(whole.length);
    expect(copy.sha256).to.equal(createHash('sha256').update(whole).digest('hex'));
    expect(copy.crc32).to.equal(crc32(whole) >>> 0);
    expect(inflateRawSync(await readFile(copy.path)).equals(whole)).to.equal(true);
  });

  it('describes the file as written: size and CRC-32 the zip entry needs', async () => {
    const { copy } = await written('crc.txt', [Buffer.from('The quick brown fox jumps over the lazy dog')]);
    expect(copy.size).to.equal(43);
    expect(copy.crc32).to.equal(0x414fa339);
  });
});
