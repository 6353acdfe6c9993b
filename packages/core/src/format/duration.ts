/** Duration renderings of `timeGlobalFormat`. */
export const DURATION_FORMATS = ['iso-8601', 'rawSeconds', 'rawMinutes', 'padded', 'paddedhh'] as const;
export type DurationFormat = (typeof DURATION_FORMATS)[number];

export function formatDuration(totalSeconds: number, format: DurationFormat): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  switch (format) {
    case 'rawSeconds':
      return String(seconds);
    case 'rawMinutes':
      return trimDecimals((seconds / 60).toFixed(2));
    case 'iso-8601':
      if (seconds === 0) return 'PT0S';
      return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
    case 'padded':
      return `${String(h).padStart(3, '0')}:${String(m).padStart(2, '0')}`;
    case 'paddedhh':
      return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  }
}

/** `80.00` → `80`, `12.50` → `12.5`, `33.33` stays. */
export function trimDecimals(text: string): string {
  if (!text.includes('.')) return text;
  const trimmed = text.replace(/0+$/, '').replace(/\.$/, '');
  return trimmed === '-0' ? '0' : trimmed;
}
