import cronParser from 'cron-parser';
import { ALLOWED_TIME_ZONES_TEXT, isAcceptedTimeZone, suggestTimeZone } from '../parameters/time-zones.js';

/** The time zone of a schedule that names none. */
export const DEFAULT_SCHEDULE_TIME_ZONE = 'UTC';

export const CRON_EXPRESSION_TEXT =
  'a cron expression (five fields, minute hour day-of-month month day-of-week, or six with seconds first)';

/**
 * Why a schedule cannot run, or undefined when it can: the time zone is one templates accept
 * and the expression is one pg-boss's scheduler reads (the same parser, cron-parser 4). Shared
 * by a template's `schedule:` key and `exportkit schedule set`.
 */
export function scheduleProblem(cron: string, timeZone: string): string | undefined {
  if (!isAcceptedTimeZone(timeZone)) {
    const near = suggestTimeZone(timeZone);
    return `time zone "${timeZone}" is not ${ALLOWED_TIME_ZONES_TEXT}${near ? ` (did you mean ${near}?)` : ''}`;
  }
  if (cron.trim() === '') return `the cron expression is empty; write ${CRON_EXPRESSION_TEXT}`;
  try {
    cronParser.parseExpression(cron, { tz: timeZone });
  } catch (error) {
    return `"${cron}" is not ${CRON_EXPRESSION_TEXT}: ${(error as Error).message}`;
  }
  return undefined;
}
