/*
 * Dates and datetimes for spreadsheet cells. The database text is already in the export's
 * time zone, so it is a wall-clock value: it is read as if it were UTC, which is how the
 * spreadsheet library turns a Date into a serial day number (no zone shift either way).
 */

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;

/** Excel's day 60 is the non-existent 1900-02-29, so earlier serials show the wrong day. */
const FIRST_SAFE_DAY = Date.UTC(1900, 2, 1);

/**
 * The wall-clock Date of `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS[.fff]`, or undefined when the
 * text is not one, is not a real calendar date, or lies before 1900-03-01 (which spreadsheets
 * cannot show as a date): such a value is written as text instead.
 */
export function wallClockDate(raw: string): Date | undefined {
  const m = DATE_TIME.exec(raw);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const millis = m[7] ? Math.round(Number('0.' + m[7]) * 1000) : 0;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const time = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const date = new Date(time);
  if (date.getUTCDate() !== day || time < FIRST_SAFE_DAY) return undefined;
  return date;
}
