import { expect } from 'chai';
import { resolve } from 'node:path';
import ts from 'typescript';

/*
 * The contribution decorators are typed: a class that lacks its contract's methods does not
 * compile. The fixtures (test/fixtures/type-errors, outside the test build) are compiled here
 * with the TypeScript API and the project's compiler options.
 */

const fixtures = resolve('test/fixtures/type-errors');

function errorsOf(file: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    resolve('tsconfig.base.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  )!;
  const program = ts.createProgram([resolve(fixtures, file)], {
    ...config.options,
    noEmit: true,
    composite: false,
    declaration: false,
    declarationMap: false,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('plugins: decorators refuse a class without its contract', function () {
  this.timeout(120_000);

  it('a @writer class without open() does not compile', () => {
    const errors = errorsOf('writer-without-open.ts');
    expect(errors[0]).to.match(/^Unable to resolve signature of class decorator/);
    expect(errors[0]).to.match(
      /Property 'open' is missing in type '\w+<WriterMetadata>' but required in type 'Writer'/,
    );
  });

  it('an action step without open() does not compile', () => {
    const errors = errorsOf('action-without-open.ts');
    expect(errors[0]).to.match(/^Unable to resolve signature of class decorator/);
    expect(errors[0]).to.match(/Property 'open' is missing in type 'BrokenAction' but required in type 'ActionStep/);
  });

  it('the same writer with open() compiles', () => {
    expect(errorsOf('sound-writer.ts')).to.deep.equal([]);
  });
});
