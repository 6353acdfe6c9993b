import { isAbsolute, normalize, sep } from 'node:path';

/**
 * The static half of the path rules, for `check()` at validation time (before any query):
 * an absolute path, or one whose `..` climbs out of the data directory, is refused. Symbolic
 * links are checked when the path is resolved (DataPaths), as they depend on the disk.
 */
export function pathProblems(
  options: Readonly<Record<string, unknown>>,
  step: string,
  names: readonly string[],
): string[] {
  const problems: string[] = [];
  for (const name of names) {
    const value = options[name];
    if (typeof value !== 'string' || value === '') continue;
    const option = `${step}.${name}`;
    if (isAbsolute(value) || /^[A-Za-z]:[\\/]/.test(value) || value.startsWith('\\')) {
      problems.push(`${option}: "${value}" is absolute; paths are relative to the data directory`);
      continue;
    }
    const normalised = normalize(value.replace(/\\/g, '/'));
    if (normalised === '..' || normalised.startsWith(`..${sep}`) || normalised.startsWith('../')) {
      problems.push(`${option}: "${value}" leaves the data directory`);
    }
  }
  return problems;
}
