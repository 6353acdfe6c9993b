import type { Registry } from './registry.js';
import { describeType } from '../parameters/parse-value.js';
import { BOUNDS } from '../contributions/bounds.js';

export interface ColumnDescription {
  name: string;
  aliases: string[];
  type: string;
  description: string;
  relations: string[];
  /** The element text it takes and its bound, e.g. `GUID (required)`; absent when it takes none. */
  text?: string;
}

export interface ParameterDescription {
  name: string;
  aliases: string[];
  kind: string;
  type: string;
  description: string;
  default?: string;
}

export interface RegistryDescription {
  providers: Array<{
    name: string;
    element: string;
    description: string;
    columns: ColumnDescription[];
    parameters: ParameterDescription[];
  }>;
  formats: Array<{ format: string; aliases: string[]; extension: string; description: string; options: string[] }>;
  steps: Array<{
    name: string;
    phase: string;
    order: number;
    description: string;
    /** A delivery step: runs once the files are final (docs/pipeline.md, "Delivery"). */
    delivers?: boolean;
    options: string[];
    optionDetails: OptionDescription[];
  }>;
}

/** A step's option as the docs show it: its value (type and bound or allowed values) and default. */
export interface OptionDescription {
  name: string;
  type: string;
  description: string;
  default?: string;
  required?: boolean;
}

/** The registry as plain data: the source of `exportkit columns`, docs/ and editor schemas. */
export function describeRegistry(registry: Registry): RegistryDescription {
  return {
    providers: registry.providerEntries().map((entry) => ({
      name: entry.provider.metadata.name,
      element: entry.provider.metadata.element,
      description: entry.provider.metadata.description,
      columns: entry.columns.values().map((c) => ({
        name: c.metadata.name,
        aliases: [...(c.metadata.aliases ?? [])],
        type: c.metadata.type,
        description: c.metadata.description,
        relations: [...(c.metadata.relations ?? [])],
        ...(c.metadata.value && c.metadata.value !== 'none'
          ? {
              text: `${describeType(c.metadata.valueType ?? { kind: 'string', maxLength: BOUNDS.columnValue })} (${c.metadata.value})`,
            }
          : {}),
      })),
      parameters: entry.parameters.values().map((p) => ({
        name: p.metadata.name,
        aliases: [...(p.metadata.aliases ?? [])],
        kind: p.metadata.kind,
        type: describeType(p.metadata.valueType),
        description: p.metadata.description,
        ...(p.metadata.defaultText !== undefined || p.metadata.default !== undefined
          ? { default: p.metadata.defaultText ?? displayDefault(p.metadata.default) }
          : {}),
      })),
    })),
    formats: registry.writers.values().map((w) => ({
      format: w.metadata.format,
      aliases: [...(w.metadata.aliases ?? [])],
      extension: w.metadata.extension,
      description: w.metadata.description,
      options: Object.keys(w.metadata.options ?? {}),
    })),
    steps: registry.steps.values().map((s) => {
      const options = s.acceptedOptions?.(registry) ?? s.metadata.options;
      return {
        name: s.metadata.name,
        phase: s.metadata.phase,
        order: s.metadata.order,
        description: s.metadata.description,
        ...(s.metadata.delivers ? { delivers: true } : {}),
        options: Object.keys(options),
        optionDetails: Object.entries(options).map(([name, o]) => ({
          name,
          type: describeType(o.type),
          description: o.description,
          ...(o.default !== undefined ? { default: displayDefault(o.default) } : {}),
          ...(o.required ? { required: true } : {}),
        })),
      };
    }),
  };
}

function displayDefault(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.join(',');
  if (value instanceof Map) return [...value].map(([k, v]) => `${k}=${v}`).join(', ');
  if (typeof value === 'object' && value !== null)
    return Object.entries(value)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ');
  return String(value);
}
