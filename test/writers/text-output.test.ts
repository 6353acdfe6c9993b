import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { TextOutput, createEncoder } from '@exportkit/writers';

/*
 * TextOutput encodes UTF-8 and UTF-16LE text into its chunk as it comes, other encodings a chunk
 * at a time: either way the bytes are those of the whole text encoded at once, in order, whatever
 * the lengths (a text longer than a chunk included).
 */
describe('writers: TextOutput', () => {
  for (const encoding of ['UTF-8', 'UTF-16LE', 'WINDOWS-1252'] as const) {
    it(`writes the bytes of the whole text encoded at once, texts of any length (${encoding})`, async () => {
      const sink = new PassThrough();
      const chunks: Buffer[] = [];
      sink.on('data', (chunk: Buffer) => chunks.push(chunk));
      const encode = createEncoder(encoding);
      const out = new TextOutput(sink, encode);
      const letters = encoding === 'WINDOWS-1252' ? ['a', 'é', '€', ';', '\r\n'] : ['a', 'é', '€', '😀', '\r\n'];
      let seed = 3;
      const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
      const texts: string[] = ['<head>'];
      out.append(texts[0]!);
      for (let i = 0; i < 300; i++) {
        // Mostly rows of a few hundred characters; now and then one longer than a whole chunk.
        const length = i % 97 === 0 ? 300_000 : next(800);
        const text = Array.from({ length }, () => letters[next(letters.length)]!).join('') + '\n';
        texts.push(text);
        const wait = out.push(text);
        if (wait) await wait;
      }
      texts.push('</tail>');
      await out.end('</tail>');
      expect(Buffer.concat(chunks).equals(encode(texts.join('')))).to.equal(true);
    });
  }
});
