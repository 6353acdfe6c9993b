/** Structural names of the two template spellings (shared by readers, writers and docs). */

/** Root elements an XML template may have. */
export const XML_ROOTS = ['export-config', 'providers'] as const;
/** Attributes of `<export>`. */
export const XML_EXPORT_ATTRIBUTES = ['guid', 'name'] as const;
/** Child elements of `<export-config>`. */
export const XML_EXPORT_CONFIG_CHILDREN = ['export', 'schedule'] as const;
/** The template's schedule: a top-level YAML key, a child element of `<export-config>` in XML. */
export const TEMPLATE_SCHEDULE_KEY = 'schedule';
/** Keys of a YAML `schedule:` map, attributes of the XML `<schedule>` element. */
export const SCHEDULE_KEYS = ['cron', 'timeZone'] as const;
/** Child elements of `<export>`. */
export const XML_EXPORT_CHILDREN = ['plugins', 'providers', 'actions', 'consolidators', 'postProcess'] as const;
/** Child elements of a provider element. */
export const XML_PROVIDER_CHILDREN = ['columns', 'parameters'] as const;
/** The three step sections, in both spellings. */
export const STEP_SECTIONS = ['actions', 'consolidators', 'postProcess'] as const;
export type StepSection = (typeof STEP_SECTIONS)[number];

/** Keys of one YAML export (also accepted at top level as the one-export shorthand). */
export const YAML_EXPORT_KEYS = [
  'guid',
  'name',
  'plugins',
  'provider',
  'columns',
  'parameters',
  'actions',
  'consolidators',
  'postProcess',
] as const;
/** Keys of a YAML column written as a map (besides any other attribute). */
export const YAML_COLUMN_KEYS = ['name', 'label', 'value'] as const;

/** The parameter whose YAML spellings `{1: text}` / `[{id, text}]` read as `<template id>` entries. */
export const TEMPLATES_PARAMETER = 'templates';
export const TEMPLATE_ENTRY = 'template';
