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
}

/** A provider: where rows come from. Columns, relations and parameters name it. */
export interface Provider {
  readonly metadata: ProviderMetadata;
}
