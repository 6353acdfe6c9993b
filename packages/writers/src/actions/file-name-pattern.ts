import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExportkitError } from '@exportkit/core';

/** A file name pattern that produced a path separator or `..`. */
export class UnsafeFileNameError extends ExportkitError {}

export interface FileNameValues {
  now: Date;
  timeZone: string;
  guid?: string;
  name: string;
}

export interface ExpandFileNameOptions {
  /**
   * Appended to the name when testing whether it is taken (`%i`), for a caller that adds an
   * extension itself (packager: `.zip`). Not part of the returned name.
   */
  suffix?: string;
  /** Whether a name is taken; default: a file of that name (plus suffix) exists in the folder. */
  isTaken?: (name: string) => boolean;
}

const TOKENS = /%([ymdHMSgni%])/g;

/**
 * Expands the tokens of a pattern (PIPELINE.md, "File name patterns") without any check: %y %m
 * %d %H %M %S of the run's `now` in its time zone, %g guid, %n name, %i `counter` (1 unless
 * given), %% a percent sign. Any other `%` is kept as written.
 */
export function expandPattern(pattern: string, values: FileNameValues, counter = 1): string {
  const parts = zonedParts(values.now, values.timeZone);
  const fixed: Record<string, string> = {
    y: parts.year,
    m: parts.month,
    d: parts.day,
    H: parts.hour,
    M: parts.minute,
    S: parts.second,
    g: values.guid ?? '',
    n: values.name,
    '%': '%',
  };
  return pattern.replace(TOKENS, (_, token: string) => (token === 'i' ? String(counter) : fixed[token]!));
}

/**
 * Expands a file name pattern (PIPELINE.md): %y %m %d %H %M %S of the run's `now` in its time
 * zone, %g guid, %n name, %i the smallest number from 1 making the name unused in `folder`.
 * A result holding a separator or `..` is refused, naming `option`.
 */
export function expandFileName(
  pattern: string,
  values: FileNameValues,
  folder: string,
  option = 'fileName',
  options: ExpandFileNameOptions = {},
): string {
  const suffix = options.suffix ?? '';
  const taken = options.isTaken ?? ((name: string) => existsSync(join(folder, name + suffix)));
  let name = expandPattern(pattern, values, 1);
  if (hasCounter(pattern)) {
    for (let i = 2; isSafeName(name) && taken(name); i += 1) name = expandPattern(pattern, values, i);
  }
  if (!isSafeName(name)) {
    throw new UnsafeFileNameError(
      `${option}: pattern "${pattern}" produces "${name}", which holds a path separator or ".."`,
    );
  }
  if (name.trim() === '') throw new UnsafeFileNameError(`${option}: pattern "${pattern}" produces an empty name`);
  return name;
}

/** True when the pattern holds `%i` (and not only as part of `%%i`). */
export function hasCounter(pattern: string): boolean {
  return [...pattern.matchAll(TOKENS)].some((m) => m[1] === 'i');
}

/** A single file name: no separator, no `..`, not `.`. */
export function isSafeName(name: string): boolean {
  return !name.includes('/') && !name.includes('\\') && !name.includes('..') && name !== '.' && !name.includes('\0');
}

/** Calendar parts of an instant in a time zone, zero-padded. */
export function zonedParts(instant: Date, timeZone: string) {
  const formatter = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const get = (type: string) => formatter.formatToParts(instant).find((p) => p.type === type)!.value;
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}
