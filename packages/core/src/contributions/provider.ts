export interface ProviderMetadata {
  /** Canonical name, also the YAML `provider` value: `consolidatedTracking`. */
  name: string;
  /** XML element name: `consolidatedTrackingProvider`. */
  element: string;
  aliases?: readonly string[];
  description: string;
  /** Table the rows come from and its alias: one output row per base row. */
  baseTable: string;
  baseAlias: string;
  /** Expression the rows are ordered by (stable output). */
  orderBy: string;
  /**
   * Which of the provider's parameters play the generic formatting roles that core's
   * formatters and cell options read (each names a parameter of this provider).
   */
  formatting?: FormattingRoles;
}

export interface FormattingRoles {
  /** Tokens YYYY YY MM DD; default `YYYY-MM-DD`. */
  dateFormat?: string;
  /** Date tokens plus hh ii ss (HH II SS); default `YYYY-MM-DD hh:ii:ss`. */
  dateTimeFormat?: string;
  /** IANA zone for rendering datetimes; default UTC. */
  timeZone?: string;
  /** iso-8601 | rawSeconds | rawMinutes | padded | paddedhh; default rawSeconds. */
  durationFormat?: string;
  /** Non-empty: strip HTML tags and decode entities in every cell. */
  stripHtml?: string;
  /** Crop every cell to this many characters (after stripHtml). */
  maxLength?: string;
}

/** A provider: where rows come from. Columns, relations and parameters name it. */
export interface Provider {
  readonly metadata: ProviderMetadata;
}
