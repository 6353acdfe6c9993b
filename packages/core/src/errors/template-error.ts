import { ExportkitError } from './exportkit-error.js';

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

export function formatIssue(issue: TemplateIssue): string {
  const where = issue.line ? `${issue.file}:${issue.line}` : issue.file;
  const element = issue.element ? ` <${issue.element}>` : '';
  const hint = issue.suggestion ? ` (did you mean ${issue.suggestion}?)` : '';
  const level = issue.severity === 'warning' ? 'warning: ' : '';
  return `${where}:${element} ${level}${issue.message}${hint}`;
}

/** A template that cannot run; carries every problem found, not only the first. Exit code 2. */
export class TemplateError extends ExportkitError {
  override readonly exitCode = 2;
  constructor(readonly issues: TemplateIssue[]) {
    super(
      issues.length === 1
        ? formatIssue(issues[0]!)
        : `${issues.length} problems in the template:\n` + issues.map((i) => '  ' + formatIssue(i)).join('\n'),
    );
  }
}
