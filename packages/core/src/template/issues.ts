import { TemplateError, type TemplateIssue } from '../errors/template-error.js';
import { closest } from '../validation/suggest.js';

/** Collects the problems of one template so that all of them are reported at once. */
export class IssueList {
  readonly issues: TemplateIssue[] = [];

  constructor(readonly file: string) {}

  get length(): number {
    return this.issues.length;
  }

  add(line: number | undefined, element: string | undefined, message: string, suggestion?: string): void {
    const issue: TemplateIssue = { file: this.file, message };
    if (line !== undefined) issue.line = line;
    if (element !== undefined) issue.element = element;
    if (suggestion !== undefined) issue.suggestion = suggestion;
    this.issues.push(issue);
  }

  /** An unknown name among `allowed`: names the closest allowed name as suggestion. */
  unknown(line: number | undefined, name: string, what: string, where: string, allowed: readonly string[]): void {
    this.add(line, name, `unknown ${what} in ${where}; expected ${listOf(allowed)}`, closest(name, allowed));
  }

  /** Throws one TemplateError holding every issue (ordered by line), if there is any. */
  throwIfAny(): void {
    if (this.issues.length === 0) return;
    const sorted = this.issues
      .map((issue, index) => ({ issue, index }))
      .sort((a, b) => (a.issue.line ?? Infinity) - (b.issue.line ?? Infinity) || a.index - b.index)
      .map(({ issue }) => issue);
    throw new TemplateError(sorted);
  }
}

export function listOf(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** 1-based line of a character offset, from a precomputed table of line starts. */
export class LineTable {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}
