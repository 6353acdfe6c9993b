import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { TemplateError, type TemplateIssue } from '@exportkit/core';

/** Absolute path of a file of test/fixtures/templates (tests run from test/dist/template). */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/templates/${name}`, import.meta.url));
}

export function fixture(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

/** A deep copy without any `line` key (to compare models read from different spellings). */
export function withoutLines<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutLines) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== 'line')
        .map(([key, v]) => [key, withoutLines(v)]),
    ) as T;
  }
  return value;
}

/** The issues of the TemplateError that `fn` throws (fails when it throws anything else). */
export function issuesOf(fn: () => unknown): TemplateIssue[] {
  try {
    fn();
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(TemplateError);
    expect((error as TemplateError).exitCode).to.equal(2);
    return (error as TemplateError).issues;
  }
  expect.fail('expected a TemplateError');
}
