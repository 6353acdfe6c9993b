import type { Writable } from 'node:stream';
import type { ColumnType } from './value-types.js';
import type { OptionMetadata } from './pipeline-step.js';

export interface WriterMetadata {
  /** Value of the action's `format` option: CSV, TSV, XLSX... */
  format: string;
  /** Other accepted spellings (XLS for XLSX). */
  aliases?: readonly string[];
  /** File extension without the dot. */
  extension: string;
  description: string;
  /** Options of `fileExportAction` this writer reads, beyond the common ones. */
  options?: Readonly<Record<string, OptionMetadata>>;
}

export interface OutputColumn {
  header: string;
  type: ColumnType;
}

/**
 * One row as writers receive it. `cells` are the formatted texts ('' for NULL) as the
 * template asked; `raw` are the canonical values the database returned (ints and floats as
 * decimal text, dates `YYYY-MM-DD`, datetimes `YYYY-MM-DD HH:MM:SS` in the export's time
 * zone), for writers with typed cells (XLSX).
 */
export interface OutputRow {
  readonly cells: readonly string[];
  readonly raw: readonly (string | null)[];
}

/** Receives rows one at a time, so every format streams. */
export interface RowSink {
  /** May return a promise to apply back-pressure. */
  write(row: OutputRow): void | Promise<void>;
  /** Writes what is left (closing tags, footers) and ends the stream. */
  finish(): Promise<void>;
}

export interface WriterOpenOptions {
  columns: readonly OutputColumn[];
  /** Resolved options of the action (common ones and the writer's own). */
  options: Readonly<Record<string, unknown>>;
  /**
   * The run's reference instant, for formats that stamp their files (XLSX's created and modified
   * dates): reruns with the same `now` then give the same bytes.
   */
  now?: Date;
}

/** A file format. */
export interface Writer {
  readonly metadata: WriterMetadata;
  open(output: Writable, options: WriterOpenOptions): RowSink;
  /**
   * Whether PostgreSQL's `COPY … (FORMAT csv)` can produce this file for these options, byte for
   * byte (the COPY path); `undefined` when it cannot. The engine adds CRLF line ends.
   */
  copyFormat?(options: WriterOpenOptions): CopyFormat | undefined;
}

/** How a writer's file is produced by COPY: the bytes before the rows, and the CSV parameters. */
export interface CopyFormat {
  /** One of `,`, `;`, `|`, tab. */
  delimiter: string;
  /** Decimal separator of float-typed cells. */
  decimal: '.' | ',';
  /** Bytes written before the rows: BOM and header row (CRLF-terminated), as the row path writes them. */
  preamble: Buffer;
}
