import type { FormattingRoles } from '../contributions/provider.js';
import type { FormatContext } from './format-context.js';
import { compileDatePattern } from './date-pattern.js';
import { formatDuration, type DurationFormat } from './duration.js';

export const DEFAULT_DATE_FORMAT = 'YYYY-MM-DD';
export const DEFAULT_DATE_TIME_FORMAT = 'YYYY-MM-DD hh:ii:ss';

/** The export's formatting settings, read once through the provider's formatting roles. */
export interface FormattingSettings {
  dateFormat: string;
  dateTimeFormat: string;
  timeZone: string;
  durationFormat: DurationFormat;
  stripHtml: boolean;
  maxLength?: number;
}

export function formattingSettings(roles: FormattingRoles, params: ReadonlyMap<string, unknown>): FormattingSettings {
  const read = <T>(role: keyof FormattingRoles): T | undefined =>
    roles[role] === undefined ? undefined : (params.get(roles[role]!) as T | undefined);
  const strip = read<unknown>('stripHtml');
  return {
    dateFormat: read<string>('dateFormat') ?? DEFAULT_DATE_FORMAT,
    dateTimeFormat: read<string>('dateTimeFormat') ?? DEFAULT_DATE_TIME_FORMAT,
    timeZone: read<string>('timeZone') ?? 'UTC',
    durationFormat: read<DurationFormat>('durationFormat') ?? 'rawSeconds',
    stripHtml: strip !== undefined && strip !== false && strip !== '',
    maxLength: read<number>('maxLength'),
  };
}

export function createFormatContext(settings: FormattingSettings, params: ReadonlyMap<string, unknown>): FormatContext {
  const date = compileDatePattern(settings.dateFormat, false);
  const dateTime = compileDatePattern(settings.dateTimeFormat, true);
  return {
    param: <T>(name: string) => params.get(name) as T,
    date,
    dateTime,
    duration: (seconds) => formatDuration(seconds, settings.durationFormat),
  };
}
