import { distance } from 'fastest-levenshtein';

/**
 * The candidate `name` is most plausibly a misspelling of, or `undefined` when none is close
 * enough. Comparison ignores case (a case-only difference counts as distance 0, so
 * `candidateid` suggests `candidateId`). A candidate is accepted when its distance is at most
 * `max(2, floor(name.length / 3))` and smaller than the longer of the two names (so two short,
 * entirely different names never match). Ties go to the candidate met first.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === name) return candidate;
    const other = candidate.toLowerCase();
    // The distance is at least the difference in length: skip what cannot be close enough
    // (this keeps a template with a hundred thousand unknown names cheap to refuse).
    if (Math.abs(other.length - lower.length) > limit) continue;
    const d = distance(lower, other);
    if (d > limit || d >= Math.max(name.length, candidate.length)) continue;
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
