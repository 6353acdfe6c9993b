import type { Knex } from 'knex';
import type { Faker } from '@faker-js/faker';
import { migrate } from '@exportkit/db';
import { syncIdentitySequences } from '@exportkit/db';
import { REFERENCE_TABLES } from '@exportkit/db';
import { DAY_S, buildCatalogue } from './catalogue.js';
import { NULL, TimeFormat, bool, openBulkSession, text, type BulkSession, type CopyIn } from './copy.js';
import {
  STATUS_NAMES,
  daysOf,
  profileOf,
  registrationCounts,
  registrationsOf,
  trackingsOf,
  type Profile,
  type World,
} from './plan.js';
import { LOCALES, type Locale } from './vocabulary.js';

export interface SeedProgress {
  phase: string;
  done: number;
  total: number;
}

interface SeedOptionsBase {
  /** Random seed (default 1): the same seed and anchor give the same data, byte for byte. */
  seed?: number;
  /**
   * Last day of activity, `YYYY-MM-DD`; activity spans the two years up to the end of it. Default:
   * today (UTC), ending at the seeding instant rather than at midnight, so that no time lies in
   * the future (the data then depend on the time of day: give an anchor for reproducible data).
   */
  anchor?: string;
  /** Empty the schema's tables first instead of refusing a database that holds data. */
  reset?: boolean;
  onProgress?: (event: SeedProgress) => void;
}

/**
 * Size of the dataset: a number of learners (about 5 registrations each), a number of registrations
 * (one learner per 5), or both.
 */
export type SeedOptions = SeedOptionsBase &
  ({ learners: number; registrations?: number } | { learners?: number; registrations: number });

export interface SeedSummary {
  seed: number;
  anchor: string;
  entities: number;
  learners: number;
  learnerCustomFieldValues: number;
  smartgroupMembers: number;
  publishers: number;
  trainings: number;
  sessions: number;
  activities: number;
  registrations: number;
  trackings: number;
  trackingDays: number;
  elapsedMs: number;
}

/** Registrations per learner when only one of the two sizes is given. */
export const REGISTRATIONS_PER_LEARNER = 5;

const COLUMNS = {
  entities: ['id', 'guid', 'name', 'parent_id'],
  learners: [
    'id',
    'guid',
    'login',
    'email',
    'ref_number',
    'first_name',
    'last_name',
    'entity_id',
    'last_platform_access_at',
    'created_at',
    'updated_at',
  ],
  custom_fields: ['id', 'guid', 'label'],
  learner_custom_field_values: ['learner_id', 'custom_field_id', 'value'],
  smartgroups: ['id', 'guid', 'name'],
  smartgroup_members: ['smartgroup_id', 'learner_id'],
  publishers: ['id', 'guid', 'name'],
  trainings: [
    'id',
    'guid',
    'title',
    'locale',
    'path_code',
    'modality',
    'status',
    'publisher_id',
    'catalog_visible',
    'duration',
    'chapters',
    'imported',
    'hris_selected',
    'created_at',
    'updated_at',
  ],
  training_translations: ['training_id', 'locale', 'title'],
  sessions: [
    'id',
    'guid',
    'training_id',
    'title',
    'locale',
    'start_date',
    'end_date',
    'success_threshold',
    'imported',
    'created_at',
    'updated_at',
  ],
  session_translations: ['session_id', 'locale', 'title'],
  activities: ['id', 'guid', 'session_id', 'title', 'type', 'mandatory', 'points', 'publisher_id', 'position'],
  registrations: [
    'id',
    'guid',
    'learner_id',
    'session_id',
    'registered_at',
    'imported',
    'threshold_reached_at',
    'created_at',
    'updated_at',
  ],
  trackings: [
    'id',
    'registration_id',
    'activity_id',
    'status',
    'first_launch_at',
    'last_access_at',
    'first_completion_at',
    'progression',
    'score',
    'time_spent_s',
    'updated_at',
  ],
  tracking_days: ['tracking_id', 'day', 'time_spent_s'],
} as const satisfies Record<(typeof REFERENCE_TABLES)[number], readonly string[]>;

const num = (value: number | null | undefined): string =>
  value === null || value === undefined ? NULL : String(value);
const row = (values: string[]): string => `${values.join('\t')}\n`;

function resolveOptions(options: SeedOptions) {
  const check = (name: string, value: number | undefined) => {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1))
      throw new Error(`seed: ${name} must be a positive integer, got ${value}`);
  };
  check('learners', options.learners);
  check('registrations', options.registrations);
  if (options.learners === undefined && options.registrations === undefined)
    throw new Error('seed: give learners or registrations (the size of the dataset)');
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new Error(`seed: seed must be an integer, got ${seed}`);
  const learners = options.learners ?? Math.max(1, Math.round(options.registrations! / REGISTRATIONS_PER_LEARNER));
  const registrations = options.registrations ?? learners * REGISTRATIONS_PER_LEARNER;
  const seededAt = Math.floor(Date.now() / 1000);
  const anchor = options.anchor ?? new Date(seededAt * 1000).toISOString().slice(0, 10);
  const anchorTime = /^\d{4}-\d{2}-\d{2}$/.test(anchor) ? Date.parse(`${anchor}T00:00:00Z`) : NaN;
  if (Number.isNaN(anchorTime) || new Date(anchorTime).toISOString().slice(0, 10) !== anchor)
    throw new Error(`seed: anchor must be a day YYYY-MM-DD, got "${anchor}"`);
  const anchorDay = anchorTime / 1000 / DAY_S;
  // Without an anchor the data ends now, not at the end of today: nothing happens in the future.
  const anchorEnd =
    options.anchor === undefined ? Math.min((anchorDay + 1) * DAY_S - 1, seededAt) : (anchorDay + 1) * DAY_S - 1;
  return { seed, learners, registrations, anchor, anchorDay, anchorEnd };
}

async function loadFaker(seed: number): Promise<{ catalogue: Faker; names: Record<Locale, Faker> }> {
  const { Faker, base, en, fr, de, es, it } = await import('@faker-js/faker');
  const definitions = { en, fr, de, es, it } as const;
  const names = {} as Record<Locale, Faker>;
  LOCALES.forEach((locale, i) => {
    const faker = new Faker({ locale: [definitions[locale], en, base] });
    faker.seed([seed, 7919 + i]);
    names[locale] = faker;
  });
  return { catalogue: new Faker({ locale: [en, base] }), names };
}

const ascii = (value: string) =>
  value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

/** Row counts of the schema's tables that hold rows. */
async function nonEmptyTables(session: BulkSession): Promise<string[]> {
  const probes = REFERENCE_TABLES.map((t) => `(SELECT count(*) FROM (SELECT 1 FROM ${t} LIMIT 1) x) AS ${t}`).join(
    ', ',
  );
  const [counts] = await session.query(`SELECT ${probes}`);
  return REFERENCE_TABLES.filter((t) => Number(counts?.[t]) > 0);
}

/**
 * Fills a migrated (it migrates it first) and empty database with a realistic synthetic dataset,
 * deterministic for (seed, anchor, sizes). The whole load is one transaction; it streams the rows
 * (COPY) so memory does not grow with the size, drops the keys, indexes and foreign keys during the
 * load and builds them again at the end, then moves the identity sequences past the ids it gave.
 * Refuses a database whose schema tables hold rows unless `reset: true`.
 */
export async function seed(knex: Knex, options: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const resolved = resolveOptions(options);
  const progress = options.onProgress ?? (() => undefined);
  await migrate(knex);

  const fakers = await loadFaker(resolved.seed);
  const A = resolved.anchorDay;
  const catalogue = buildCatalogue(
    resolved.seed,
    { learners: resolved.learners, registrations: resolved.registrations, anchorDay: A },
    fakers.catalogue,
  );
  const { counts, offsets } = registrationCounts(
    resolved.seed,
    resolved.learners,
    resolved.registrations,
    catalogue.sessions.length,
  );
  const world: World = {
    seed: resolved.seed,
    anchorDay: A,
    anchorEnd: resolved.anchorEnd,
    windowStartDay: A - 730,
    catalogue,
    learners: resolved.learners,
    registrations: resolved.registrations,
    counts,
    offsets,
    forcedStride: Math.max(1, Math.floor(resolved.registrations / 7)),
  };
  const time = new TimeFormat(A - 1200, A);
  const summary: SeedSummary = {
    seed: resolved.seed,
    anchor: resolved.anchor,
    entities: catalogue.entities.length,
    learners: resolved.learners,
    learnerCustomFieldValues: 0,
    smartgroupMembers: 0,
    publishers: catalogue.publishers.length,
    trainings: catalogue.trainings.length,
    sessions: catalogue.sessions.length,
    activities: catalogue.activityCount,
    registrations: resolved.registrations,
    trackings: 0,
    trackingDays: 0,
    elapsedMs: 0,
  };

  const session = await openBulkSession(knex);
  let inTransaction = false;
  try {
    const filled = await nonEmptyTables(session);
    if (filled.length && !options.reset) {
      throw new Error(
        `seed: refusing to seed a database that already holds data (in ${filled.join(', ')}); ` +
          'pass reset: true (CLI: --reset) to empty the schema tables first',
      );
    }
    await session.query('BEGIN');
    inTransaction = true;
    // Emptied in this transaction: COPY … FREEZE writes the rows already frozen (no hint-bit rewrite on first read).
    await session.query(`TRUNCATE ${REFERENCE_TABLES.join(', ')} RESTART IDENTITY`);
    if (session.kind === 'postgres') await session.query(`SET LOCAL maintenance_work_mem = '512MB'`);
    const deferred = await dropSecondaryStructures(session);

    const copy = (table: keyof typeof COLUMNS) => session.copyIn(table, COLUMNS[table], { freeze: true });
    const catalogueTables = 9;
    let tablesDone = 0;
    const catalogueStep = () => progress({ phase: 'catalogue', done: ++tablesDone, total: catalogueTables });
    progress({ phase: 'catalogue', done: 0, total: catalogueTables });
    await writeAll(copy('entities'), catalogue.entities, (e) =>
      row([num(e.id), e.guid, text(e.name), num(e.parentId)]),
    );
    catalogueStep();
    await writeAll(copy('custom_fields'), catalogue.customFields, (f) => row([num(f.id), f.guid, text(f.label)]));
    catalogueStep();
    await writeAll(copy('smartgroups'), catalogue.smartgroups, (g) => row([num(g.id), g.guid, text(g.name)]));
    catalogueStep();
    await writeAll(copy('publishers'), catalogue.publishers, (p) => row([num(p.id), p.guid, text(p.name)]));
    catalogueStep();
    await writeAll(copy('trainings'), catalogue.trainings, (t) =>
      row([
        num(t.id),
        t.guid,
        text(t.title),
        t.locale,
        text(t.pathCode),
        t.modality,
        t.status,
        num(t.publisherId),
        bool(t.catalogVisible),
        text(t.duration),
        text(t.chapters),
        bool(t.imported),
        bool(t.hrisSelected),
        time.instant(t.createdAt),
        time.instant(t.updatedAt),
      ]),
    );
    catalogueStep();
    await writeAll(copy('training_translations'), catalogue.trainingTranslations, (t) =>
      row([num(t.trainingId), t.locale, text(t.title)]),
    );
    catalogueStep();
    await writeAll(copy('sessions'), catalogue.sessions, (s) =>
      row([
        num(s.id),
        s.guid,
        num(s.trainingId),
        text(s.title),
        s.locale,
        s.startDay === null ? NULL : time.day(s.startDay),
        s.endDay === null ? NULL : time.day(s.endDay),
        num(s.successThreshold),
        bool(s.imported),
        time.instant(s.createdAt),
        time.instant(s.updatedAt),
      ]),
    );
    catalogueStep();
    await writeAll(copy('session_translations'), catalogue.sessionTranslations, (t) =>
      row([num(t.sessionId), t.locale, text(t.title)]),
    );
    catalogueStep();
    await writeAll(
      copy('activities'),
      catalogue.sessions.flatMap((s) => s.activities.map((a) => ({ a, s }))),
      ({ a, s }) =>
        row([
          num(a.id),
          a.guid,
          num(s.id),
          text(a.title),
          a.type,
          bool(a.mandatory),
          num(a.points),
          num(a.publisherId),
          num(a.position),
        ]),
    );
    catalogueStep();

    const L = resolved.learners;
    const every = Math.max(1, Math.floor(L / 200));
    /** One pass over every learner, writing the rows of one table. */
    const pass = async (
      phase: keyof typeof COLUMNS,
      each: (profile: Profile, out: CopyIn) => void,
    ): Promise<number> => {
      const out = copy(phase);
      progress({ phase, done: 0, total: L });
      for (let i = 0; i < L; i++) {
        each(profileOf(world, i), out);
        if (out.full) await out.flush();
        if ((i + 1) % every === 0 && i + 1 < L) progress({ phase, done: i + 1, total: L });
      }
      const rows = await out.end();
      progress({ phase, done: L, total: L });
      return rows;
    };

    await pass('learners', (p, out) => {
      const faker = fakers.names[p.locale];
      const firstName = faker.person.firstName();
      const lastName = faker.person.lastName();
      const handle = `${ascii(firstName) || 'user'}.${ascii(lastName) || 'learner'}`;
      const domain = p.entity ? catalogue.companies[p.entity.company]!.domain : 'example.com';
      let lastAccess = NaN;
      for (const r of registrationsOf(world, p))
        if (r.lastAccess > lastAccess || (Number.isNaN(lastAccess) && !Number.isNaN(r.lastAccess)))
          lastAccess = r.lastAccess;
      const roll = p.rng.float();
      let lastPlatformAccess: number | null;
      // After the last access to any activity (within two days, not after the anchor day); else some other visit, or never.
      if (!Number.isNaN(lastAccess))
        lastPlatformAccess = Math.min(world.anchorEnd, lastAccess + Math.floor(roll * 2 * DAY_S));
      else
        lastPlatformAccess =
          roll < 0.85 ? p.createdAt + Math.floor(p.rng.float() * (world.anchorEnd - p.createdAt)) : null;
      const withEmail = p.rng.chance(0.96);
      out.write(
        row([
          num(p.id),
          p.guid,
          text(`${handle}${p.id}`),
          withEmail ? text(`${handle}@${domain}`) : NULL,
          p.rng.chance(0.85) ? `EMP-${String(p.id).padStart(7, '0')}` : NULL,
          text(firstName),
          text(lastName),
          num(p.entity?.id),
          time.maybe(lastPlatformAccess),
          time.instant(p.createdAt),
          time.instant(p.updatedAt),
        ]),
      );
    });

    summary.learnerCustomFieldValues = await pass('learner_custom_field_values', (p, out) => {
      const values = [
        p.department,
        p.jobTitle,
        p.costCenter,
        p.hireDay === null ? null : time.day(p.hireDay),
        p.country,
      ];
      values.forEach((value, f) => {
        if (value !== null) out.write(row([num(p.id), num(f + 1), text(value)]));
      });
    });

    summary.smartgroupMembers = await pass('smartgroup_members', (p, out) => {
      for (const group of p.smartgroups) out.write(row([num(group), num(p.id)]));
    });

    await pass('registrations', (p, out) => {
      for (const r of registrationsOf(world, p)) {
        const plan = trackingsOf(world, r);
        out.write(
          row([
            num(r.id),
            r.guid,
            num(p.id),
            num(r.session.id),
            time.instant(r.registeredAt),
            bool(r.imported),
            time.maybe(plan.thresholdReachedAt),
            time.instant(r.registeredAt),
            time.instant(plan.updatedAt),
          ]),
        );
      }
    });

    let trackingId = 0;
    summary.trackings = await pass('trackings', (p, out) => {
      for (const r of registrationsOf(world, p)) {
        for (const t of trackingsOf(world, r).trackings) {
          out.write(
            row([
              num(++trackingId),
              num(r.id),
              num(t.activity.id),
              STATUS_NAMES[t.status]!,
              time.maybe(t.firstLaunch),
              time.maybe(t.lastAccess),
              time.maybe(t.firstCompletion),
              t.progression,
              t.score ?? NULL,
              num(t.time),
              time.instant(t.updatedAt),
            ]),
          );
        }
      }
    });

    let firstTrackingId = 1;
    summary.trackingDays = await pass('tracking_days', (p, out) => {
      for (const r of registrationsOf(world, p)) {
        const plan = trackingsOf(world, r);
        const base = firstTrackingId;
        daysOf(world, r, plan, (index, day, seconds) => out.write(`${base + index}\t${time.day(day)}\t${seconds}\n`));
        firstTrackingId += plan.trackings.length;
      }
    });

    // Keys, indexes and foreign keys again, each built in one pass (faster than maintaining them row by row).
    for (let i = 0; i < deferred.length; i++) {
      progress({ phase: 'indexes and foreign keys', done: i, total: deferred.length });
      await session.query(deferred[i]!);
    }
    progress({ phase: 'indexes and foreign keys', done: deferred.length, total: deferred.length });
    await session.query('COMMIT');
    inTransaction = false;
  } catch (error) {
    if (inTransaction) await session.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await session.release();
  }

  await syncIdentitySequences(knex);
  progress({ phase: 'analyze', done: 0, total: REFERENCE_TABLES.length });
  for (let i = 0; i < REFERENCE_TABLES.length; i++) {
    await knex.raw(`ANALYZE ${REFERENCE_TABLES[i]}`);
    progress({ phase: 'analyze', done: i + 1, total: REFERENCE_TABLES.length });
  }
  summary.elapsedMs = Math.round(performance.now() - started);
  return summary;
}

async function writeAll<T>(out: CopyIn, items: readonly T[], format: (item: T) => string): Promise<number> {
  for (const item of items) {
    out.write(format(item));
    if (out.full) await out.flush();
  }
  return out.end();
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Drops the foreign keys, primary keys, unique constraints and plain indexes of the schema's tables
 * (rows then go into bare heaps, and each index is built once, by sorting, at the end) and returns
 * the statements that create them again, in an order that works: keys, indexes, foreign keys.
 */
async function dropSecondaryStructures(session: BulkSession): Promise<string[]> {
  const tables = REFERENCE_TABLES.map((t) => `'${t}'`).join(', ');
  const constraints = await session.query(`
    SELECT c.relname AS table_name, k.conname AS name, k.contype AS type, pg_get_constraintdef(k.oid) AS definition
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE k.contype IN ('f', 'p', 'u') AND n.nspname = current_schema() AND c.relname IN (${tables})
    ORDER BY c.relname, k.conname`);
  const indexes = await session.query(`
    SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = current_schema() AND t.relname IN (${tables})
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.contype IN ('p', 'u', 'x'))
    ORDER BY t.relname, i.relname`);
  const foreignKeys = constraints.filter((c) => c.type === 'f');
  const keys = constraints.filter((c) => c.type !== 'f');
  const add = (c: Record<string, unknown>) =>
    `ALTER TABLE ${quote(String(c.table_name))} ADD CONSTRAINT ${quote(String(c.name))} ${String(c.definition)}`;
  for (const c of [...foreignKeys, ...keys])
    await session.query(`ALTER TABLE ${quote(String(c.table_name))} DROP CONSTRAINT ${quote(String(c.name))}`);
  for (const index of indexes) await session.query(`DROP INDEX ${quote(String(index.name))}`);
  return [...keys.map(add), ...indexes.map((index) => String(index.definition)), ...foreignKeys.map(add)];
}
