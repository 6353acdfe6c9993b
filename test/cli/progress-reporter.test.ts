import { expect } from 'chai';
import { createProgressReporter } from 'exportkit/cli';

/** A non-terminal stream that keeps what is written (the plain-lines mode of the reporter). */
function lines() {
  const written: string[] = [];
  const stream = { isTTY: false, write: (text: string) => void written.push(text) } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('cli: the progress display', () => {
  it('with the planner’s estimate: rows of ~total (estimate) and the time left, every 5 s', () => {
    const { stream, written } = lines();
    const { listener } = createProgressReporter(stream);
    listener({ type: 'export-started', exportName: 'weekly', index: 0, of: 1 });
    listener({ type: 'estimate', exportName: 'weekly', rows: 10_000 });
    listener({ type: 'rows', exportName: 'weekly', rows: 1000, elapsedMs: 2000 });
    listener({ type: 'rows', exportName: 'weekly', rows: 2000, elapsedMs: 5000 });
    expect(written).to.deep.equal([
      'export weekly (1/1) started\n',
      '  2000 rows of ~10000 (estimate), about 20 s left, 400 rows/s\n',
    ]);
  });

  it('without an estimate, or once the rows pass it: rows and rate only', () => {
    const { stream, written } = lines();
    const { listener } = createProgressReporter(stream);
    listener({ type: 'export-started', exportName: 'weekly', index: 0, of: 1 });
    listener({ type: 'rows', exportName: 'weekly', rows: 2000, elapsedMs: 5000 });
    listener({ type: 'estimate', exportName: 'weekly', rows: 3000 });
    listener({ type: 'rows', exportName: 'weekly', rows: 4000, elapsedMs: 10_000 });
    expect(written.slice(1)).to.deep.equal(['  2000 rows, 400 rows/s\n', '  4000 rows, 400 rows/s\n']);
  });
});
