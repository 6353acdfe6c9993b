import 'reflect-metadata';

export * from './errors/exportkit-error.js';
export * from './errors/template-error.js';
export * from './errors/database-message.js';
export * from './engine/invalid-engine-option-error.js';
export * as Tokens from './di/tokens.js';
export * from './di/decorators.js';
export * from './di/container.js';
export type * from './contributions/value-types.js';
export * from './contributions/bounds.js';
export type * from './contributions/query-scope.js';
export type { Provider, ProviderMetadata } from './contributions/provider.js';
export type { Relation, RelationMetadata, SharedAggregates } from './contributions/relation.js';
export { AGGREGATES_PLACEHOLDER, isSharedAggregates } from './contributions/relation.js';
export type {
  Column,
  ColumnMetadata,
  ColumnUse,
  ColumnCheckContext,
  RowView,
  SqlFormatContext,
} from './contributions/column.js';
export type { Parameter, ParameterMetadata, ParameterCheckContext } from './contributions/parameter.js';
export type {
  Writer,
  WriterMetadata,
  OutputColumn,
  OutputRow,
  RowSink,
  WriterOpenOptions,
  CopyFormat,
} from './contributions/writer.js';
export type { PipelineStep, PipelineStepMetadata, OptionMetadata, StepPhase } from './contributions/pipeline-step.js';
export * from './di/origin.js';
export type { FormatContext } from './format/format-context.js';
export * from './query/sql-fragment.js';
export * from './registry/registry.js';
export * from './registry/name-index.js';
export type * from './template/model.js';
export type { FormattingRoles } from './contributions/provider.js';
export * from './base/sql-column.js';
export * from './base/sql-relation.js';
export * from './base/filter-parameter.js';
export * from './parameters/parse-value.js';
export * from './parameters/iso-instant.js';
export * from './parameters/time-zones.js';
export * from './parameters/quote-value.js';
export * from './query/composer.js';
export * from './query/type-normalisation.js';
export * from './format/date-pattern.js';
export * from './format/duration.js';
export * from './format/cell-options.js';
export * from './format/type-formatters.js';
export * from './format/create-format-context.js';
export * from './format/row-formatter.js';
export * from './stream/cursor.js';
export * from './stream/copy-query.js';
export * from './stream/pglite-copy.js';
export * from './format/sql-formatters.js';
export * from './engine/choose-row-path.js';
export * from './validation/export-plan.js';
export * from './validation/validate-export.js';
export * from './validation/database-time-zone.js';
export * from './plugins/load-plugin.js';
export * from './pipeline/run-context.js';
export * from './pipeline/file-journal.js';
export * from './pipeline/claim-name.js';
export * from './pipeline/data-paths.js';
export * from './pipeline/path-problems.js';
export * from './pipeline/manifest.js';
export { rememberFileDigest, fileDigest, type FileDigest } from './pipeline/file-digests.js';
export * from './engine/run-record.js';
export * from './engine/read-replica.js';
export * from './engine/progress.js';
export * from './engine/run-export.js';
export * from './engine/create-engine.js';
export * from './registry/describe.js';
export { closest } from './validation/suggest.js';
export { readXmlTemplate } from './template/xml-reader.js';
export { readYamlTemplate, YAML_MAX_ALIAS_COUNT } from './template/yaml-reader.js';
export {
  readTemplate,
  parseTemplate,
  detectTemplateFormat,
  TemplateFileError,
  type TemplateFormat,
} from './template/read-template.js';
export { TEMPLATE_LIMITS } from './template/limits.js';
export { nameTable, nameTableOf, ownEntry, hasOwnName } from './template/name-table.js';
export { toYaml, TemplateConversionError } from './template/yaml-writer.js';
export { toXml } from './template/xml-writer.js';
export { scheduleProblem, CRON_EXPRESSION_TEXT, DEFAULT_SCHEDULE_TIME_ZONE } from './template/schedule.js';
export * from './registry/markdown.js';
export * from './engine/export-lock.js';
export * from './engine/delta-mark.js';
export * from './engine/database-kind.js';
export * from './engine/recover-abandoned-runs.js';
export { WORK_FOLDER, removeWorkFolder } from './engine/work-folder.js';
export * from './engine/run-history.js';
export * from './engine/logger.js';
export * from './pipeline/journal-state.js';
export * from './engine/engine-state.js';
export * from './engine/code-migrations.js';
export * from './engine/process-alive.js';
export { EXPORT_RUN_STATUSES, type ExportRunStatus } from './engine/migrations/export-runs.js';
export * from './engine/prepared-statement-check.js';
export * from './registry/json-schema.js';
export * from './delivery/delivery-settings.js';
export * from './delivery/delivery-file.js';
export * from './delivery/delivery-context.js';
export * from './delivery/secret-resolver.js';
export * from './delivery/with-retries.js';
export * from './delivery/run-deliveries.js';
export { EXPORT_DELIVERY_STATUSES, type ExportDeliveryStatus } from './engine/migrations/export-deliveries.js';
