import type { Knex } from 'knex';
import { currentProcess, processStartText } from './process-alive.js';
import { isPostgresServer } from './database-kind.js';
import { EXPORT_RUNS } from './engine-state.js';

/** How often a run on a PostgreSQL server says it is alive (`export_runs.heartbeat_at`). */
export const HEARTBEAT_SECONDS = 15;
/** A running row whose heartbeat is older than this is a dead run's (recoverAbandonedRuns). */
export const HEARTBEAT_STALE_SECONDS = 120;

/** The template a run came from, as `export_runs` records it. */
export interface RunTemplate {
  path?: string;
  /** SHA-256 of the template file's bytes (hex), when it was read from a file. */
  sha256?: string;
}

/**
 * The `export_runs` row of one run: inserted as running with who runs it, kept alive by a
 * heartbeat, closed as succeeded (the run's commit point: its files are final before, and only
 * cleanup comes after) or failed; a failed delivery turns it failed later (delivery/run-deliveries.ts,
 * which also writes `export_deliveries`). Times are the database's.
 */
export class RunRecord {
  private heartbeat: NodeJS.Timeout | undefined;

  private constructor(
    private readonly knex: Knex,
    readonly id: number,
  ) {}

  static async start(
    knex: Knex,
    exportGuid: string,
    referenceNow: Date,
    template: RunTemplate = {},
  ): Promise<RunRecord> {
    const me = currentProcess();
    const [row] = await knex(EXPORT_RUNS)
      .insert({
        export_guid: exportGuid,
        reference_now: referenceNow,
        status: 'running',
        rows: 0,
        host: me.host,
        pid: me.pid,
        process_start: processStartText(me),
        heartbeat_at: isPostgresServer(knex) ? knex.raw('now()') : null,
        template_path: template.path ?? null,
        template_sha256: template.sha256 ?? null,
      })
      .returning('id');
    const record = new RunRecord(knex, Number((row as { id: number | string }).id));
    // PGlite has one connection, busy with the export's cursor, and one process that owns its
    // folder: a heartbeat there would queue behind the export and tell nothing.
    if (isPostgresServer(knex)) {
      record.heartbeat = setInterval(() => {
        knex(EXPORT_RUNS)
          .where({ id: record.id, status: 'running' })
          .update({ heartbeat_at: knex.raw('now()') })
          .catch(() => undefined);
      }, HEARTBEAT_SECONDS * 1000);
      record.heartbeat.unref();
    }
    return record;
  }

  /** Records success; `deltaMark` is what the next incremental run starts from; `files` what it kept. */
  async succeed(rows: number, deltaMark: Date | null = null, files: readonly string[] = []): Promise<void> {
    this.stopHeartbeat();
    const updated = await this.knex(EXPORT_RUNS)
      .where({ id: this.id, status: 'running' })
      .update({
        status: 'succeeded',
        rows,
        delta_mark: deltaMark,
        files: JSON.stringify(files),
        finished_at: this.knex.raw('now()'),
        heartbeat_at: null,
      });
    // Another process judged this run dead and closed its row: its files may be gone already.
    if (updated !== 1)
      throw new Error(`export_runs row ${this.id} is no longer running (closed as abandoned by another run)`);
  }

  /**
   * Records failure, unless the row was closed already. Returns the row's outcome: `failed`,
   * `succeeded` (a success whose reply was lost: it stands), or `unknown` when the database
   * cannot be reached (the next run's recovery settles it).
   */
  async fail(error: unknown, rows: number): Promise<'failed' | 'succeeded' | 'unknown'> {
    this.stopHeartbeat();
    const message = error instanceof Error ? error.message : String(error);
    try {
      await this.knex(EXPORT_RUNS)
        .where({ id: this.id, status: 'running' })
        .update({ status: 'failed', rows, error: message, finished_at: this.knex.raw('now()'), heartbeat_at: null });
      const row = (await this.knex(EXPORT_RUNS).where({ id: this.id }).first('status')) as
        { status: string } | undefined;
      return row?.status === 'succeeded' ? 'succeeded' : 'failed';
    } catch {
      return 'unknown'; // the database itself may be what failed
    }
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
