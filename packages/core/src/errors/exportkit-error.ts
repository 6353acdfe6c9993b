/** Base of every error the engine raises on purpose; `exitCode` is what the CLI exits with. */
export class ExportkitError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
