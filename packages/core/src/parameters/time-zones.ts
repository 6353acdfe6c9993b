import { closest } from '../validation/suggest.js';

/*
 * Which time zone names a template may use. File names are computed with ICU (Intl) and data
 * with PostgreSQL's tz database; both read the same IANA rules for a region name
 * (Europe/Paris), but not for abbreviations and legacy names: ICU reads IST as India and
 * PostgreSQL as Israel, and names such as US/Pacific-New or SST are known to one and not the
 * other. So only region names that ICU knows, plus UTC, are accepted.
 */

const AREAS = [
  'Africa',
  'America',
  'Antarctica',
  'Arctic',
  'Asia',
  'Atlantic',
  'Australia',
  'Europe',
  'Indian',
  'Pacific',
];
const REGION_NAME = new RegExp(`^(?:${AREAS.join('|')})(?:/[A-Za-z0-9_+-]{1,30}){1,2}$`);
/** Short upper-case words are abbreviations, which ICU and PostgreSQL may read differently. */
const ABBREVIATION = /^[A-Z]{2,5}$/;

export const ALLOWED_TIME_ZONES_TEXT =
  'an IANA region name (Area/Location, e.g. Europe/Paris, America/New_York) or UTC';

let known: readonly string[] | undefined;

/** UTC and the region names ICU lists (its canonical spellings), for suggestions. */
export function acceptedTimeZoneNames(): readonly string[] {
  known ??= ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => REGION_NAME.test(zone))];
  return known;
}

/** True for UTC and for a region name (canonical or a link such as Asia/Kolkata) that ICU resolves. */
export function isAcceptedTimeZone(name: string): boolean {
  if (name === 'UTC') return true;
  if (!REGION_NAME.test(name)) return false;
  return icuCanonical(name) !== undefined;
}

/**
 * The accepted name closest to a refused one: a near spelling, else (for a legacy link such as
 * US/Pacific, never for an ambiguous abbreviation) the region ICU resolves it to.
 */
export function suggestTimeZone(name: string): string | undefined {
  const near = closest(name, acceptedTimeZoneNames());
  if (near !== undefined || ABBREVIATION.test(name)) return near;
  const canonical = icuCanonical(name);
  return canonical !== undefined && isAcceptedTimeZone(canonical) ? canonical : undefined;
}

function icuCanonical(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
