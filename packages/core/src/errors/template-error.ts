import { ExportkitError } from './exportkit-error.js';

/** Problems written out in a TemplateError's message (all of them stay in `issues`). */
export const MAX_LISTED_PROBLEMS = 50;

/** One problem found in a template: where it is, what is wrong, and the closest known name. */
export interface TemplateIssue {
  file: string;
  line?: number;
  /** The element (XML) or key path (YAML) at fault, e.g. `candidateNmae` or `parameters.dateFormat`. */
  element?: string;
  message: string;
  /** Closest known name for a misspelling. */
  suggestion?: string;
  /** Warnings do not stop a run. */
  severity?: 'error' | 'warning';
}

/**
 * One problem as a line: `file:line: <element> message (did you mean …?)`, the element spelled
 * as the template spells it — `<name>` in XML, `name:` in YAML.
 */
export function formatIssue(issue: TemplateIssue): string {
  const where = issue.line ? `${issue.file}:${issue.line}` : issue.file;
  const yaml = /\.ya?ml$/i.test(issue.file);
  const element = issue.element ? (yaml ? ` ${issue.element}:` : ` <${issue.element}>`) : '';
  const hint = issue.suggestion ? ` (did you mean ${issue.suggestion}?)` : '';
  const level = issue.severity === 'warning' ? 'warning: ' : '';
  return `${where}:${element} ${level}${issue.message}${hint}`;
}

/**
 * A template that cannot run; carries every problem found, not only the first. Exit code 2.
 * The message lists the first MAX_LISTED_PROBLEMS and says how many more there are, so a
 * template with a hundred thousand problems still gives a message one can read.
 */
export class TemplateError extends ExportkitError {
  override readonly exitCode = 2;
  constructor(readonly issues: TemplateIssue[]) {
    super(describeIssues(issues));
  }
}

function describeIssues(issues: readonly TemplateIssue[]): string {
  if (issues.length === 1) return formatIssue(issues[0]!);
  const listed = issues.slice(0, MAX_LISTED_PROBLEMS).map((i) => '  ' + formatIssue(i));
  const more = issues.length - listed.length;
  const count = issues.length.toLocaleString('en-US');
  if (more === 0) return `${count} problems in the template:\n${listed.join('\n')}`;
  return (
    `${count} problems in the template; the first ${MAX_LISTED_PROBLEMS}:\n${listed.join('\n')}\n` +
    `  … and ${more.toLocaleString('en-US')} more`
  );
}
