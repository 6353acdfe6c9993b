import { join } from 'node:path';
import type { NameCandidates } from '@exportkit/core';
import {
  expandPattern,
  hasCounter,
  isSafeName,
  UnsafeFileNameError,
  type FileNameValues,
} from '../actions/file-name-pattern.js';

/*
 * The names a step offers for a file, best first, for the journal to claim atomically
 * (`journal.claim`, `claimName`): the first one nobody holds is taken, so no step checks a name
 * and then uses it, and no file is ever replaced.
 */

/** `name`, then `name-2`, `name-3`… (before the extension), in `folder`. */
export function numberedCandidates(folder: string, name: string): NameCandidates {
  return (attempt) => join(folder, numberedName(name, attempt));
}

/**
 * The names a file name pattern gives in `folder`: with `%i`, the pattern with %i = 1, 2, 3…;
 * without, its name then `-2`, `-3`…. `complete` turns an expanded name into the file's name
 * (moveToFolder adds the file's extension, the packager the archive's). Every expanded name is
 * checked: a path separator, `..` or an empty name is refused, naming `option`.
 */
export function patternCandidates(
  folder: string,
  pattern: string,
  values: FileNameValues,
  option: string,
  complete: (name: string) => string = (name) => name,
): NameCandidates {
  const named = (counter: number) => {
    const name = expandPattern(pattern, values, counter);
    if (!isSafeName(name))
      throw new UnsafeFileNameError(
        `${option}: pattern "${pattern}" produces "${name}", which holds a path separator or ".."`,
      );
    if (name.trim() === '') throw new UnsafeFileNameError(`${option}: pattern "${pattern}" produces an empty name`);
    return complete(name);
  };
  if (hasCounter(pattern)) return (attempt) => join(folder, named(attempt));
  const fixed = named(1);
  return (attempt) => join(folder, numberedName(fixed, attempt));
}

/** `name` for the first attempt, else `-<attempt>` before its extension (`.tar.gz` counted whole). */
export function numberedName(name: string, attempt: number): string {
  if (attempt <= 1) return name;
  const extension = extensionOf(name);
  return `${name.slice(0, name.length - extension.length)}-${attempt}${extension}`;
}

/** The extension of a file name, `.tar.gz` included; '' for none (a leading dot is no extension). */
export function extensionOf(name: string): string {
  if (/\.tar\.gz$/i.test(name)) return name.slice(-7);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot);
}
