import { quoted } from './quote-value.js';

/*
 * Strict ISO-8601 days and instants (`--now`, engine options, date-typed values). JavaScript's
 * Date parser is lenient (`2026-02-30` becomes 2 March, trailing junk is sometimes ignored), so
 * the text is matched field by field and every field is checked against the calendar.
 */

export type InstantResult = { ok: true; value: Date } | { ok: false; message: string };

export const ALLOWED_INSTANTS_TEXT =
  'ISO-8601: YYYY-MM-DD (midnight UTC) or YYYY-MM-DDTHH:MM:SS with an optional fraction and Z or an offset ±HH:MM, ' +
  'e.g. 2026-02-24T10:00:00Z or 2026-02-24T10:00:00.5+01:00';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** A real calendar day (year 0001–9999, month 01–12, the month's days). */
export function isCalendarDay(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** A day written YYYY-MM-DD that exists in the calendar, kept as written. */
export function parseIsoDay(text: string): { ok: true; value: string } | { ok: false; message: string } {
  const m = DAY.exec(text);
  if (!m) return { ok: false, message: `${quoted(text)} is not a day; allowed: YYYY-MM-DD, e.g. 2026-02-24` };
  if (!isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]))) {
    return {
      ok: false,
      message: `${quoted(text)} is a day that does not exist; allowed: YYYY-MM-DD, a real calendar day`,
    };
  }
  return { ok: true, value: text };
}

/** An instant in the strict form ALLOWED_INSTANTS_TEXT describes. */
export function parseIsoInstant(text: string): InstantResult {
  const refused: InstantResult = {
    ok: false,
    message: `${quoted(text)} is not an instant; allowed: ${ALLOWED_INSTANTS_TEXT}`,
  };
  const day = DAY.exec(text);
  if (day) {
    if (!isCalendarDay(Number(day[1]), Number(day[2]), Number(day[3]))) {
      return {
        ok: false,
        message: `${quoted(text)} names a day that does not exist; allowed: ${ALLOWED_INSTANTS_TEXT}`,
      };
    }
    return checkedInstant(new Date(`${text}T00:00:00Z`));
  }
  const m = INSTANT.exec(text);
  if (!m) return refused;
  const [year, month, date, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const offset = m[8]!;
  const badOffset = offset !== 'Z' && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4, 6)) > 59);
  if (!isCalendarDay(year, month, date) || hour > 23 || minute > 59 || second > 59 || badOffset) {
    return {
      ok: false,
      message: `${quoted(text)} names a day, time or offset that does not exist; allowed: ${ALLOWED_INSTANTS_TEXT}`,
    };
  }
  // Date keeps milliseconds: the fraction is cut to three digits (never rounded up into the next second).
  const millis = (m[7] ?? '').padEnd(3, '0').slice(0, 3);
  return checkedInstant(new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${millis}${offset}`));
}

/**
 * An instant a run can use as its reference: a valid Date whose UTC year lies in 0001–9999
 * (PostgreSQL and the file name patterns both hold it).
 */
export function checkedInstant(value: Date): InstantResult {
  const time = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(time)) return { ok: false, message: 'is not a valid date (an Invalid Date)' };
  const year = value.getUTCFullYear();
  if (year < 1 || year > 9999) return { ok: false, message: `${value.toISOString()} lies outside the years 0001–9999` };
  return { ok: true, value };
}
