/**
 * The typed model that both template spellings (XML and YAML) read into.
 * Every node keeps the line it came from so that validation can point at it.
 */

/** A template file holds one or more exports. */
export interface ExportConfig {
  /** Path of the template file as given (used in messages). */
  file: string;
  format: 'xml' | 'yaml';
  exports: ExportDefinition[];
  /** When the template runs by itself (`exportkit worker`/`serve` register it with the scheduler). */
  schedule?: ScheduleSpec;
}

/** A template's `schedule:`: a cron expression read in a time zone. */
export interface ScheduleSpec extends Located {
  cron: string;
  /** IANA region name or UTC (the default). */
  timeZone: string;
}

export interface Located {
  /** 1-based line of the element (XML) or key (YAML). */
  line: number;
}

export interface ExportDefinition extends Located {
  guid?: string;
  name?: string;
  /** Plugin specifiers (package names or paths relative to the template file). */
  plugins: Array<Located & { specifier: string }>;
  provider: ProviderSpec;
  /** `fileExportAction`s; empty means one CSV with the defaults. */
  actions: StepSpec[];
  consolidators: StepSpec[];
  postProcess: StepSpec[];
}

export interface ProviderSpec extends Located {
  /** As written: `consolidatedTrackingProvider` in XML, `consolidatedTracking` in YAML. */
  name: string;
  columns: ColumnSpec[];
  parameters: ParameterSpec[];
}

export interface ColumnSpec extends Located {
  /** The element name exactly as written (canonical name or alias). */
  name: string;
  /** Header override (`label` attribute / key). */
  label?: string;
  /** Element text (XML) / `value` (YAML), e.g. a custom field GUID or a constant. */
  value?: string;
  /** Every other attribute, e.g. `templateId`. */
  attributes: Record<string, string>;
}

/**
 * A parameter's raw value as written. Scalars stay strings; `a,b` lists are split by the
 * parameter's type, not by the reader. Child elements (XML) or maps (YAML) become `children`,
 * repeated elements (e.g. `<template id="1">`) become `entries`.
 */
export type RawValue =
  | { kind: 'scalar'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'map'; children: Record<string, RawValue & Located> }
  | { kind: 'entries'; entries: Array<Located & { name: string; attributes: Record<string, string>; text: string }> };

export interface ParameterSpec extends Located {
  /** The element/key name exactly as written (canonical name or alias). */
  name: string;
  value: RawValue;
}

/** An action, consolidator or post-process step: its element name and its options. */
export interface StepSpec extends Located {
  type: string;
  /** Options by name, with the same value shapes as parameters. */
  options: Record<string, RawValue & Located>;
}
