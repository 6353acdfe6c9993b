import { expect } from 'chai';
import { migrate, migrationStatus, REFERENCE_TABLES } from '@exportkit/db';
import { forEachDatabase } from '../support/databases.js';

/**
 * Every table and column of the spec's SCHEMA.md (the contract: exact names), with the type the
 * migration gives it (information_schema's data_type).
 */
const TS = 'timestamp with time zone';
const EXPECTED: Record<string, Record<string, string>> = {
  entities: { id: 'bigint', guid: 'uuid', name: 'text', parent_id: 'bigint' },
  learners: {
    id: 'bigint',
    guid: 'uuid',
    login: 'text',
    email: 'text',
    ref_number: 'text',
    first_name: 'text',
    last_name: 'text',
    entity_id: 'bigint',
    last_platform_access_at: TS,
    created_at: TS,
    updated_at: TS,
  },
  custom_fields: { id: 'bigint', guid: 'uuid', label: 'text' },
  learner_custom_field_values: { learner_id: 'bigint', custom_field_id: 'bigint', value: 'text' },
  smartgroups: { id: 'bigint', guid: 'uuid', name: 'text' },
  smartgroup_members: { smartgroup_id: 'bigint', learner_id: 'bigint' },
  publishers: { id: 'bigint', guid: 'uuid', name: 'text' },
  trainings: {
    id: 'bigint',
    guid: 'uuid',
    title: 'text',
    locale: 'text',
    path_code: 'text',
    modality: 'text',
    status: 'character',
    publisher_id: 'bigint',
    catalog_visible: 'boolean',
    duration: 'text',
    chapters: 'text',
    imported: 'boolean',
    hris_selected: 'boolean',
    created_at: TS,
    updated_at: TS,
  },
  training_translations: { training_id: 'bigint', locale: 'text', title: 'text' },
  sessions: {
    id: 'bigint',
    guid: 'uuid',
    training_id: 'bigint',
    title: 'text',
    locale: 'text',
    start_date: 'date',
    end_date: 'date',
    success_threshold: 'numeric',
    imported: 'boolean',
    created_at: TS,
    updated_at: TS,
  },
  session_translations: { session_id: 'bigint', locale: 'text', title: 'text' },
  activities: {
    id: 'bigint',
    guid: 'uuid',
    session_id: 'bigint',
    title: 'text',
    type: 'text',
    mandatory: 'boolean',
    points: 'integer',
    publisher_id: 'bigint',
    position: 'integer',
  },
  registrations: {
    id: 'bigint',
    guid: 'uuid',
    learner_id: 'bigint',
    session_id: 'bigint',
    registered_at: TS,
    imported: 'boolean',
    threshold_reached_at: TS,
    created_at: TS,
    updated_at: TS,
  },
  trackings: {
    id: 'bigint',
    registration_id: 'bigint',
    activity_id: 'bigint',
    status: 'text',
    first_launch_at: TS,
    last_access_at: TS,
    first_completion_at: TS,
    progression: 'numeric',
    score: 'numeric',
    time_spent_s: 'integer',
    updated_at: TS,
  },
  tracking_days: { tracking_id: 'bigint', day: 'date', time_spent_s: 'integer' },
  export_runs: {
    id: 'bigint',
    export_guid: 'text',
    started_at: TS,
    finished_at: TS,
    status: 'text',
    rows: 'bigint',
    error: 'text',
    // Beyond SCHEMA.md (extra columns are allowed): the engine's crash and delta bookkeeping.
    delta_mark: TS,
    reference_now: TS,
    host: 'text',
    pid: 'integer',
    process_start: 'text',
    heartbeat_at: TS,
    template_path: 'text',
    template_sha256: 'text',
    files: 'jsonb',
  },
};

const WITH_GUID = [
  'entities',
  'learners',
  'custom_fields',
  'smartgroups',
  'publishers',
  'trainings',
  'sessions',
  'activities',
  'registrations',
];
const WITH_ID = [...WITH_GUID, 'trackings', 'export_runs', 'export_deliveries'];

/** Foreign keys of SCHEMA.md: table.column → referenced table. */
const FOREIGN_KEYS: Array<[string, string, string]> = [
  ['entities', 'parent_id', 'entities'],
  ['learners', 'entity_id', 'entities'],
  ['learner_custom_field_values', 'learner_id', 'learners'],
  ['learner_custom_field_values', 'custom_field_id', 'custom_fields'],
  ['smartgroup_members', 'smartgroup_id', 'smartgroups'],
  ['smartgroup_members', 'learner_id', 'learners'],
  ['trainings', 'publisher_id', 'publishers'],
  ['training_translations', 'training_id', 'trainings'],
  ['sessions', 'training_id', 'trainings'],
  ['session_translations', 'session_id', 'sessions'],
  ['activities', 'session_id', 'sessions'],
  ['activities', 'publisher_id', 'publishers'],
  ['registrations', 'learner_id', 'learners'],
  ['registrations', 'session_id', 'sessions'],
  ['trackings', 'registration_id', 'registrations'],
  ['trackings', 'activity_id', 'activities'],
  ['tracking_days', 'tracking_id', 'trackings'],
];

type Row = Record<string, unknown>;

forEachDatabase('db migrations', (db) => {
  const rows = async (sql: string, bindings: unknown[] = []): Promise<Row[]> =>
    ((await db().knex.raw(sql, bindings as never[])) as { rows: Row[] }).rows;

  /** Each index of the current schema as `table(col1,col2)`, with uniqueness. */
  const indexes = async () =>
    (await rows(`
      SELECT t.relname AS table_name, x.indisunique AS is_unique, x.indisprimary AS is_primary,
             string_agg(a.attname, ',' ORDER BY k.ord) AS columns
      FROM pg_index x
      JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE n.nspname IN (current_schema(), 'exportkit')
      GROUP BY x.indexrelid, t.relname, x.indisunique, x.indisprimary`)) as Array<{
      table_name: string;
      is_unique: boolean;
      is_primary: boolean;
      columns: string;
    }>;

  it('creates every table and column of SCHEMA.md with its type, and nothing else', async () => {
    const columns = await rows(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema IN (current_schema(), 'exportkit') AND table_name IN (${Object.keys(EXPECTED)
         .map((t) => `'${t}'`)
         .join(', ')})
       ORDER BY table_name, ordinal_position`,
    );
    const actual: Record<string, Record<string, string>> = {};
    for (const c of columns) (actual[String(c.table_name)] ??= {})[String(c.column_name)] = String(c.data_type);
    expect(actual).to.deep.equal(EXPECTED);
    expect([...REFERENCE_TABLES].sort()).to.deep.equal(
      Object.keys(EXPECTED)
        .filter((t) => t !== 'export_runs')
        .sort(),
    );
  });

  it('gives ids as bigint identities and guids as unique, non-null uuids generated by default', async () => {
    const columns = await rows(
      `SELECT table_name, column_name, is_identity, is_nullable, column_default FROM information_schema.columns
       WHERE table_schema IN (current_schema(), 'exportkit') AND column_name IN ('id', 'guid')`,
    );
    const ids = columns.filter(
      (c) => c.column_name === 'id' && !/^(exportkit_|engine_migrations)/.test(String(c.table_name)),
    );
    expect(ids.map((c) => c.table_name).sort()).to.deep.equal([...WITH_ID].sort());
    for (const c of ids)
      expect([c.table_name, c.is_identity, c.is_nullable]).to.deep.equal([c.table_name, 'YES', 'NO']);
    const guids = columns.filter((c) => c.column_name === 'guid');
    expect(guids.map((c) => c.table_name).sort()).to.deep.equal([...WITH_GUID].sort());
    for (const c of guids) {
      expect(c.is_nullable, `${c.table_name}.guid`).to.equal('NO');
      expect(String(c.column_default), `${c.table_name}.guid`).to.contain('gen_random_uuid()');
    }
    const all = await indexes();
    for (const table of WITH_GUID)
      expect(
        all.some((i) => i.table_name === table && i.is_unique && i.columns === 'guid'),
        `${table}.guid unique`,
      ).to.equal(true);
    for (const table of WITH_ID)
      expect(
        all.some((i) => i.table_name === table && i.is_primary && i.columns === 'id'),
        `${table}.id primary`,
      ).to.equal(true);
  });

  it('has the primary keys, unique constraints and column details of SCHEMA.md', async () => {
    const all = await indexes();
    const has = (table: string, columns: string, kind: 'primary' | 'unique') =>
      all.some(
        (i) => i.table_name === table && i.columns === columns && (kind === 'primary' ? i.is_primary : i.is_unique),
      );
    expect(has('learner_custom_field_values', 'learner_id,custom_field_id', 'primary')).to.equal(true);
    expect(has('smartgroup_members', 'smartgroup_id,learner_id', 'primary')).to.equal(true);
    expect(has('training_translations', 'training_id,locale', 'primary')).to.equal(true);
    expect(has('session_translations', 'session_id,locale', 'primary')).to.equal(true);
    expect(has('tracking_days', 'tracking_id,day', 'primary')).to.equal(true);
    expect(has('learners', 'login', 'unique')).to.equal(true);
    expect(has('registrations', 'learner_id,session_id', 'unique')).to.equal(true);
    expect(has('trackings', 'registration_id,activity_id', 'unique')).to.equal(true);

    const details = await rows(
      `SELECT table_name, column_name, is_nullable, column_default, numeric_precision, numeric_scale, character_maximum_length
       FROM information_schema.columns WHERE table_schema IN (current_schema(), 'exportkit')`,
    );
    const column = (table: string, name: string) =>
      details.find((d) => d.table_name === table && d.column_name === name)!;
    expect([
      column('trackings', 'progression').numeric_precision,
      column('trackings', 'progression').numeric_scale,
    ]).to.deep.equal([5, 2]);
    expect(column('trainings', 'status').character_maximum_length).to.equal(1);
    for (const [table, name] of [
      ['trainings', 'catalog_visible'],
      ['trainings', 'imported'],
      ['trainings', 'hris_selected'],
      ['sessions', 'imported'],
      ['registrations', 'imported'],
    ] as const) {
      expect(String(column(table, name).column_default), `${table}.${name}`).to.equal('false');
      expect(column(table, name).is_nullable).to.equal('NO');
    }
    expect(String(column('activities', 'mandatory').column_default)).to.equal('true');
    expect(String(column('activities', 'points').column_default)).to.equal('0');
    for (const [table, name] of [
      ['sessions', 'success_threshold'],
      ['registrations', 'threshold_reached_at'],
      ['trackings', 'score'],
      ['activities', 'publisher_id'],
      ['export_runs', 'finished_at'],
      ['export_runs', 'error'],
      ['learners', 'entity_id'],
    ] as const) {
      expect(column(table, name).is_nullable, `${table}.${name} nullable`).to.equal('YES');
    }
  });

  it('declares every foreign key of SCHEMA.md', async () => {
    const fks = await rows(`
      SELECT c.relname AS table_name, a.attname AS column_name, r.relname AS referenced
      FROM pg_constraint k
      JOIN pg_class c ON c.oid = k.conrelid
      JOIN pg_class r ON r.oid = k.confrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.conkey[1]
      WHERE k.contype = 'f' AND n.nspname = current_schema()`);
    const actual = fks.map((f) => `${f.table_name}.${f.column_name} -> ${f.referenced}`).sort();
    expect(actual).to.deep.equal(FOREIGN_KEYS.map(([t, c, r]) => `${t}.${c} -> ${r}`).sort());
  });

  it('indexes every foreign key column, every updated_at and the lookups the engine relies on', async () => {
    const all = await indexes();
    const leading = (table: string, column: string) =>
      all.some((i) => i.table_name === table && i.columns.split(',')[0] === column);
    for (const [table, column] of FOREIGN_KEYS)
      expect(leading(table, column), `index on ${table}(${column})`).to.equal(true);
    for (const table of ['learners', 'trainings', 'sessions', 'registrations', 'trackings'])
      expect(leading(table, 'updated_at'), `index on ${table}(updated_at)`).to.equal(true);
    expect(leading('trackings', 'registration_id')).to.equal(true);
    expect(all.some((i) => i.table_name === 'tracking_days' && i.columns === 'tracking_id,day')).to.equal(true);
    expect(all.some((i) => i.table_name === 'export_runs' && i.columns === 'export_guid,status,started_at')).to.equal(
      true,
    );
  });

  it('enforces the enumerations of SCHEMA.md with CHECK constraints', async () => {
    const { knex } = db();
    const attempt = (sql: string) =>
      knex.transaction(async (trx) => {
        await trx.raw(sql);
      });
    for (const sql of [
      `INSERT INTO trainings (title, modality, status) VALUES ('x', 'blended', 'Z')`,
      `INSERT INTO exportkit.export_runs (export_guid, status) VALUES ('x', 'unknown')`,
    ]) {
      let error: unknown;
      await attempt(sql).catch((e: unknown) => (error = e));
      expect(String(error), sql).to.match(/check constraint/i);
    }
  });

  it('reports the migrations as applied, and migrating again does nothing', async () => {
    const status = await migrationStatus(db().knex);
    expect(status).to.deep.equal({
      completed: [
        'schema/001_reference_schema',
        'engine/001_export_runs',
        'engine/002_run_state',
        'engine/003_export_deliveries',
      ],
      pending: [],
      upToDate: true,
    });
    expect(await migrate(db().knex)).to.deep.equal([]);
  });
});
