import type { Knex } from 'knex';

/**
 * The `export_runs` row of one run: inserted as running, closed as succeeded or failed.
 * The engine writes no other table.
 */
export class RunRecord {
  private constructor(
    private readonly knex: Knex,
    readonly id: number,
    readonly startedAt: Date,
  ) {}

  static async start(knex: Knex, exportGuid: string, startedAt: Date): Promise<RunRecord> {
    const [row] = await knex('export_runs')
      .insert({ export_guid: exportGuid, started_at: startedAt, status: 'running', rows: 0 })
      .returning('id');
    return new RunRecord(knex, Number((row as { id: number | string }).id), startedAt);
  }

  async succeed(rows: number): Promise<void> {
    await this.knex('export_runs').where({ id: this.id }).update({ status: 'succeeded', rows, finished_at: new Date() });
  }

  async fail(error: unknown, rows: number): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    await this.knex('export_runs')
      .where({ id: this.id })
      .update({ status: 'failed', rows, error: message, finished_at: new Date() })
      .catch(() => undefined); // the database itself may be what failed
  }
}
