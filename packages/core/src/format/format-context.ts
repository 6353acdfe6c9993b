/** What a formatter may read: the export's resolved parameters, compiled once per run. */
export interface FormatContext {
  param<T = unknown>(name: string): T;
  /** Canonical `YYYY-MM-DD` → the template's dateFormat. */
  date(raw: string): string;
  /** Canonical `YYYY-MM-DD HH:MM:SS` → the template's dateTimeFormat. */
  dateTime(raw: string): string;
  /** Seconds → the template's timeGlobalFormat. */
  duration(seconds: number): string;
}
