import cliProgress from 'cli-progress';

/** Progress of the generator: a bar per phase on a terminal, a line per phase otherwise. */
export function seedProgress(stream: NodeJS.WriteStream = process.stderr) {
  let bar: cliProgress.SingleBar | undefined;
  let phase = '';
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  const listener = (event: { phase: string; done: number; total: number }) => {
    if (event.phase !== phase) {
      stop();
      phase = event.phase;
      if (stream.isTTY) {
        bar = new cliProgress.SingleBar(
          { format: `${phase} [{bar}] {value}/{total}`, stream },
          cliProgress.Presets.shades_classic,
        );
        bar.start(event.total, event.done);
      } else {
        stream.write(`seeding ${phase}…\n`); // its total counts learners, not rows: the summary gives the rows
      }
    }
    bar?.update(event.done);
  };
  return { listener, stop };
}
