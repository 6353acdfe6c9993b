import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  column,
  parameter,
  pipelineStep,
  pluginModule,
  relation,
  writer,
  rawSql,
  sql,
  Contribution,
  FilterParameter,
  SqlColumn,
  SqlRelation,
  type ConsolidatorStep,
  type PipelineStepMetadata,
  type QueryScope,
  type RowSink,
  type RunContext,
  type SqlFragment,
  type Writer,
  type WriterMetadata,
  type WriterOpenOptions,
} from '@exportkit/core';

/*
 * One contribution of each kind, written against the published packages only: this folder is
 * built with its own tsconfig, packed and installed into a host project by the engine's CI
 * (docs/plugins.md walks through the same code).
 */

/** A per-registration aggregate, joined once and restricted to the kept registrations (`{kept:…}`). */
@relation({
  provider: 'consolidatedTracking',
  name: 'acmeTrackings',
  description: 'Per registration: how many trackings it has.',
  join: `LEFT JOIN (
  SELECT t.registration_id, count(*) AS trackings
  FROM trackings t
  WHERE {kept:t.registration_id}
  GROUP BY t.registration_id
) AS {alias} ON {alias}.registration_id = registration.id`,
})
export class AcmeTrackingsRelation extends SqlRelation {}

@column({
  provider: 'consolidatedTracking',
  name: 'acmeTrackingCount',
  type: 'int',
  description: 'How many trackings the registration has (0 when none).',
  relations: ['acmeTrackings'],
  sql: 'coalesce(acmeTrackings.trackings, 0)',
})
export class AcmeTrackingCountColumn extends SqlColumn {}

/** Keeps the registrations of learners whose login starts with the value. */
@parameter({
  provider: 'consolidatedTracking',
  name: 'acmeLoginPrefix',
  kind: 'filter',
  valueType: { kind: 'string', nonEmpty: true, maxLength: 64 },
  description: 'Keeps the registrations of learners whose login starts with this text.',
})
export class AcmeLoginPrefixParameter extends FilterParameter<string> {
  protected condition(prefix: string, scope: QueryScope): SqlFragment {
    const learner = scope.use('learner');
    // The prefix travels as a binding; starts_with has no wildcards to escape.
    return sql`starts_with(${rawSql(learner)}.login, ${prefix})`;
  }
}

/** `PIPES`: one line per row, cells joined by ` | ` (or `!`), header first. */
@writer({
  format: 'PIPES',
  aliases: ['ACME-PIPES'],
  extension: 'pipes.txt',
  description: 'Cells joined by " | " (or "!"), one row per line, header first.',
  options: {
    pipesSeparator: {
      type: { kind: 'enum', values: ['pipe', 'bang'] },
      description: 'pipe: " | " between cells; bang: "!".',
      default: 'pipe',
    },
  },
})
export class PipesWriter extends Contribution<WriterMetadata> implements Writer {
  open(output: Writable, { columns, options }: WriterOpenOptions): RowSink {
    const separator = options['pipesSeparator'] === 'bang' ? '!' : ' | ';
    const line = async (cells: readonly string[]) => {
      if (!output.write(`${cells.join(separator)}\n`)) await once(output, 'drain');
    };
    let started: Promise<void> | undefined = line(columns.map((c) => c.header));
    return {
      async write(row) {
        if (started) await started;
        started = undefined;
        await line(row.cells);
      },
      async finish() {
        if (started) await started;
        output.end();
      },
    };
  }
}

/** A consolidator: writes `<export name>.stamp` (its label and the row count) among the report files. */
@pipelineStep({
  name: 'acmeStamp',
  phase: 'consolidator',
  order: 7,
  description: 'Writes <name>.stamp with a label and the row count among the report files.',
  options: {
    label: {
      type: { kind: 'string', nonEmpty: true, maxLength: 100 },
      description: 'First word of the stamp.',
      default: 'acme',
    },
  },
})
export class AcmeStampStep extends Contribution<PipelineStepMetadata> implements ConsolidatorStep {
  async run(context: RunContext, options: Readonly<Record<string, unknown>>): Promise<void> {
    const finalPath = join(context.workDir, `${context.exportName}.stamp`);
    // Every file goes through the run's journal: removed again if the run fails.
    const tempPath = context.journal.temporaryFor(finalPath);
    await writeFile(tempPath, `${String(options['label'])} rows=${context.rows}\n`);
    const path = await context.journal.claim(tempPath, (attempt) =>
      attempt === 1 ? finalPath : join(context.workDir, `${context.exportName}-${attempt}.stamp`),
    );
    context.files.push({ path, format: 'stamp' });
  }
}

export default pluginModule([
  AcmeTrackingsRelation,
  AcmeTrackingCountColumn,
  AcmeLoginPrefixParameter,
  PipesWriter,
  AcmeStampStep,
]);
