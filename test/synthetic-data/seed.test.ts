import { expect } from 'chai';
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { ACTIVITY_TYPES, DEPARTMENT_FIELD_GUID, MODALITIES, REFERENCE_TABLES, TRACKING_STATUSES } from '@exportkit/db';
import { seed, type SeedProgress, type SeedSummary } from '@exportkit/synthetic-data';
import { postgresAvailable, scratchDatabase, type ScratchDatabase } from '../support/databases.js';

const ANCHOR = '2024-06-30';
const LEARNERS = 80;

/** A hash of every row of the schema's tables (text form, UTC), and one per table. */
async function contentHash(knex: Knex): Promise<{ all: string; tables: Record<string, string> }> {
  return knex.transaction(async (trx) => {
    await trx.raw(`SET LOCAL TIME ZONE 'UTC'`);
    await trx.raw(`SET LOCAL DateStyle = 'ISO, YMD'`);
    const tables: Record<string, string> = {};
    for (const table of REFERENCE_TABLES) {
      const { rows } = (await trx.raw(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE "C"), '')) AS h FROM ${table} t`,
      )) as { rows: Array<{ n: number; h: string }> };
      tables[table] = `${rows[0]!.n}:${rows[0]!.h}`;
    }
    const all = createHash('sha256').update(JSON.stringify(tables)).digest('hex');
    return { all, tables };
  });
}

/** Every constraint and index of the current schema, as its definition. */
async function structure(knex: Knex): Promise<string[]> {
  const { rows } = (await knex.raw(`
    SELECT c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid) AS d
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()
    UNION ALL
    SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()
    ORDER BY 1`)) as { rows: Array<{ d: string }> };
  return rows.map((r) => r.d);
}

const hashes = new Map<string, { all: string; tables: Record<string, string> }>();

for (const kind of ['pglite', 'postgres'] as const) {
  const skip = kind === 'postgres' && !postgresAvailable;
  (skip ? describe.skip : describe)(
    `synthetic data generator [${kind}]${skip ? ' — skipped: DATABASE_URL is not set' : ''}`,
    function () {
      this.timeout(300_000);
      let db: ScratchDatabase;
      let summary: SeedSummary;
      const events: SeedProgress[] = [];
      const rows = async <T = Record<string, unknown>>(sql: string): Promise<T[]> =>
        ((await db.knex.raw(sql)) as { rows: T[] }).rows;
      const value = async (sql: string): Promise<unknown> => Object.values((await rows(sql))[0] ?? {})[0];

      let structureBefore: string[];
      before(async function () {
        db = await scratchDatabase(kind);
        structureBefore = await structure(db.knex);
        summary = await seed(db.knex, {
          learners: LEARNERS,
          seed: 7,
          anchor: ANCHOR,
          onProgress: (e) => events.push(e),
        });
        hashes.set(kind, await contentHash(db.knex));
      });
      after(async () => db?.dispose());

      it('creates the requested learners, about 5 registrations each, 5 trackings a registration and 2 days a tracking', async () => {
        expect(summary).to.include({ seed: 7, anchor: ANCHOR, learners: LEARNERS, registrations: LEARNERS * 5 });
        const count = async (table: string) => Number(await value(`SELECT count(*) FROM ${table}`));
        expect(await count('learners')).to.equal(LEARNERS);
        expect(await count('registrations')).to.equal(LEARNERS * 5);
        expect(await count('trackings')).to.equal(summary.trackings);
        expect(await count('tracking_days')).to.equal(summary.trackingDays);
        expect(summary.trackings / summary.registrations).to.be.within(3.5, 7);
        expect(summary.trackingDays / summary.trackings).to.be.within(1.4, 2.8);
      });

      it('reports its progress phase by phase, each ending with done = total', () => {
        const phases = [...new Set(events.map((e) => e.phase))];
        expect(phases).to.include.members([
          'catalogue',
          'learners',
          'learner_custom_field_values',
          'smartgroup_members',
          'registrations',
          'trackings',
          'tracking_days',
        ]);
        for (const phase of phases) {
          const own = events.filter((e) => e.phase === phase);
          expect(own.at(-1)!.done, phase).to.equal(own.at(-1)!.total);
          own.forEach((e, i) => i && expect(e.done).to.be.at.least(own[i - 1]!.done));
        }
      });

      it('keeps the tracking invariants: day times add up, no day outside first launch..last access, dates in order', async () => {
        const violations: Record<string, string> = {
          'sum of days ≠ time_spent_s': `SELECT count(*) FROM trackings t LEFT JOIN (SELECT tracking_id, sum(time_spent_s) s FROM tracking_days GROUP BY 1) d ON d.tracking_id = t.id WHERE coalesce(d.s, 0) <> t.time_spent_s`,
          'day after last access': `SELECT count(*) FROM tracking_days d JOIN trackings t ON t.id = d.tracking_id WHERE t.last_access_at IS NULL OR d.day > (t.last_access_at AT TIME ZONE 'UTC')::date`,
          'day before first launch': `SELECT count(*) FROM tracking_days d JOIN trackings t ON t.id = d.tracking_id WHERE d.day < (t.first_launch_at AT TIME ZONE 'UTC')::date`,
          'first launch after last access': `SELECT count(*) FROM trackings WHERE first_launch_at > last_access_at OR (first_launch_at IS NULL) <> (last_access_at IS NULL)`,
          'completion outside launch..access': `SELECT count(*) FROM trackings WHERE first_completion_at < first_launch_at OR first_completion_at > last_access_at`,
          'completed without completion date': `SELECT count(*) FROM trackings WHERE (status = 'completed') <> (first_completion_at IS NOT NULL)`,
          'not attempted with a launch': `SELECT count(*) FROM trackings WHERE status = 'not_attempted' AND (first_launch_at IS NOT NULL OR time_spent_s > 0)`,
          'launched but not attempted': `SELECT count(*) FROM trackings WHERE status <> 'not_attempted' AND first_launch_at IS NULL`,
          'day without time': `SELECT count(*) FROM tracking_days WHERE time_spent_s <= 0`,
          'nps score outside 0..10': `SELECT count(*) FROM trackings t JOIN activities a ON a.id = t.activity_id WHERE a.type = 'nps' AND (t.score < 0 OR t.score > 10 OR t.score <> round(t.score))`,
          'score on a non-graded activity': `SELECT count(*) FROM trackings t JOIN activities a ON a.id = t.activity_id WHERE a.type NOT IN ('nps', 'assessment') AND t.score IS NOT NULL`,
          'tracking of an activity of another session': `SELECT count(*) FROM trackings t JOIN registrations r ON r.id = t.registration_id JOIN activities a ON a.id = t.activity_id WHERE a.session_id <> r.session_id`,
          'activity before registration': `SELECT count(*) FROM trackings t JOIN registrations r ON r.id = t.registration_id WHERE t.first_launch_at < r.registered_at`,
          'threshold reached without launch or after last access': `SELECT count(*) FROM registrations r WHERE threshold_reached_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM trackings t WHERE t.registration_id = r.id AND t.first_completion_at = r.threshold_reached_at)`,
          'learner last access before an activity access': `SELECT count(*) FROM learners l JOIN registrations r ON r.learner_id = l.id JOIN trackings t ON t.registration_id = r.id WHERE t.last_access_at > l.last_platform_access_at OR (t.last_access_at IS NOT NULL AND l.last_platform_access_at IS NULL)`,
          'registration updated before its trackings': `SELECT count(*) FROM registrations r JOIN trackings t ON t.registration_id = r.id WHERE t.updated_at > r.updated_at`,
          'progression outside 0..100': `SELECT count(*) FROM trackings WHERE progression < 0 OR progression > 100`,
          'activities per session outside 3..15': `SELECT count(*) FROM (SELECT session_id, count(*) n FROM activities GROUP BY 1) x WHERE n < 3 OR n > 15`,
          'threshold above the session points': `SELECT count(*) FROM sessions s WHERE success_threshold > (SELECT sum(points) FROM activities a WHERE a.session_id = s.id)`,
        };
        const found: Record<string, number> = {};
        for (const [name, sql] of Object.entries(violations)) found[name] = Number(await value(sql));
        expect(found).to.deep.equal(Object.fromEntries(Object.keys(violations).map((k) => [k, 0])));
      });

      it('ends every date at the anchor day and has activity on each of the 7 days up to it', async () => {
        const anchorEnd = `'${ANCHOR} 23:59:59.999+00'::timestamptz`;
        for (const [table, column] of [
          ['trackings', 'last_access_at'],
          ['trackings', 'updated_at'],
          ['registrations', 'registered_at'],
          ['registrations', 'updated_at'],
          ['registrations', 'threshold_reached_at'],
          ['learners', 'last_platform_access_at'],
          ['learners', 'created_at'],
          ['trainings', 'updated_at'],
          ['sessions', 'updated_at'],
        ]) {
          expect(
            Number(await value(`SELECT count(*) FROM ${table} WHERE ${column} > ${anchorEnd}`)),
            `${table}.${column}`,
          ).to.equal(0);
        }
        for (const column of ['start_date', 'end_date'])
          expect(Number(await value(`SELECT count(*) FROM sessions WHERE ${column} > '${ANCHOR}'`))).to.equal(0);
        expect(Number(await value(`SELECT count(*) FROM tracking_days WHERE day > '${ANCHOR}'`))).to.equal(0);
        const days = await rows<{ day: string; days: number; accesses: number }>(`
        SELECT to_char(d, 'YYYY-MM-DD') AS day,
               (SELECT count(*) FROM tracking_days WHERE day = d::date)::int AS days,
               (SELECT count(*) FROM trackings WHERE (last_access_at AT TIME ZONE 'UTC')::date = d::date)::int AS accesses
        FROM generate_series('${ANCHOR}'::date - 6, '${ANCHOR}'::date, interval '1 day') d ORDER BY d`);
        expect(days.map((d) => d.day)).to.deep.equal([
          '2024-06-24',
          '2024-06-25',
          '2024-06-26',
          '2024-06-27',
          '2024-06-28',
          '2024-06-29',
          '2024-06-30',
        ]);
        for (const d of days) {
          expect(d.days, `tracking_days on ${d.day}`).to.be.above(0);
          expect(d.accesses, `last_access_at on ${d.day}`).to.be.above(0);
        }
        // Spread over the two years before the anchor.
        expect(
          String(
            await value(`SELECT to_char(min(registered_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM registrations`),
          ) >= '2022-07-01',
        ).to.equal(true);
        expect(
          Number(
            await value(
              `SELECT count(DISTINCT date_trunc('quarter', registered_at AT TIME ZONE 'UTC')) FROM registrations`,
            ),
          ),
        ).to.be.at.least(7);
      });

      it('covers every modality, training status, activity type and tracking status, and every registration outcome', async () => {
        const distinct = async (sql: string) => (await rows<{ v: string }>(sql)).map((r) => String(r.v).trim()).sort();
        expect(await distinct(`SELECT DISTINCT modality AS v FROM trainings`)).to.deep.equal([...MODALITIES].sort());
        expect(await distinct(`SELECT DISTINCT status AS v FROM trainings`)).to.deep.equal(['A', 'C', 'P']);
        expect(await distinct(`SELECT DISTINCT type AS v FROM activities`)).to.deep.equal([...ACTIVITY_TYPES].sort());
        expect(await distinct(`SELECT DISTINCT status AS v FROM trackings`)).to.deep.equal(
          [...TRACKING_STATUSES].sort(),
        );
        const outcomes = (
          await rows(`
        SELECT count(*) FILTER (WHERE threshold_reached_at IS NOT NULL)::int AS completed,
               count(*) FILTER (WHERE threshold_reached_at IS NULL AND launched)::int AS incomplete,
               count(*) FILTER (WHERE NOT launched)::int AS not_attempted,
               count(*) FILTER (WHERE NOT launched AND has_rows)::int AS not_attempted_with_rows,
               count(*) FILTER (WHERE pending)::int AS pending_feedback,
               count(*) FILTER (WHERE imported)::int AS imported,
               count(*) FILTER (WHERE NOT imported)::int AS not_imported
        FROM (SELECT r.*, EXISTS (SELECT 1 FROM trackings t WHERE t.registration_id = r.id AND t.first_launch_at IS NOT NULL) AS launched,
                     EXISTS (SELECT 1 FROM trackings t WHERE t.registration_id = r.id) AS has_rows,
                     EXISTS (SELECT 1 FROM trackings t WHERE t.registration_id = r.id AND t.status = 'pending_feedback') AS pending
              FROM registrations r) x`)
        )[0]!;
        for (const [outcome, n] of Object.entries(outcomes)) expect(Number(n), outcome).to.be.above(0);
      });

      it('builds a realistic catalogue: translations with gaps, flags mixed, points, thresholds, nps', async () => {
        const checks: Record<string, string> = {
          'trainings in 4+ locales': `SELECT count(DISTINCT locale) >= 4 FROM trainings`,
          'training translations': `SELECT count(*) > 0 FROM training_translations`,
          'a training missing a translation': `SELECT count(*) > 0 FROM trainings t WHERE (SELECT count(*) FROM training_translations x WHERE x.training_id = t.id) < 4`,
          'session translations': `SELECT count(*) > 0 FROM session_translations`,
          'imported trainings, and not': `SELECT bool_or(imported) AND NOT bool_and(imported) FROM trainings`,
          'hris-selected trainings, and not': `SELECT bool_or(hris_selected) AND NOT bool_and(hris_selected) FROM trainings`,
          'catalog-visible trainings, and not': `SELECT bool_or(catalog_visible) AND NOT bool_and(catalog_visible) FROM trainings`,
          'imported sessions': `SELECT bool_or(imported) FROM sessions`,
          'durations and chapters': `SELECT count(duration) > 0 AND count(chapters) > 0 AND count(path_code) > 0 FROM trainings`,
          'publishers on trainings and activities': `SELECT (SELECT count(publisher_id) FROM trainings) > 0 AND (SELECT count(publisher_id) FROM activities) > 0`,
          'sessions whose activities are all worth 0 points': `SELECT count(*) > 0 FROM (SELECT session_id FROM activities GROUP BY 1 HAVING max(points) = 0) x`,
          'sessions with and without a success threshold': `SELECT count(success_threshold) > 0 AND count(*) > count(success_threshold) FROM sessions`,
          'sessions with an nps activity': `SELECT count(DISTINCT session_id) > 0 FROM activities WHERE type = 'nps'`,
          'mandatory and optional activities': `SELECT bool_or(mandatory) AND NOT bool_and(mandatory) FROM activities`,
          'nps answers': `SELECT count(*) > 0 FROM trackings t JOIN activities a ON a.id = t.activity_id WHERE a.type = 'nps' AND t.score IS NOT NULL`,
          'smartgroups with members': `SELECT count(DISTINCT smartgroup_id) >= 3 FROM smartgroup_members`,
          'entity tree 3 to 4 levels deep': `WITH RECURSIVE tree AS (SELECT id, 1 AS depth FROM entities WHERE parent_id IS NULL UNION ALL SELECT e.id, tree.depth + 1 FROM entities e JOIN tree ON e.parent_id = tree.id) SELECT max(depth) BETWEEN 3 AND 4 FROM tree`,
          'learners without entity': `SELECT count(*) FILTER (WHERE entity_id IS NULL) > 0 AND count(entity_id) > count(*) / 2 FROM learners`,
          'unique logins, e-mails mostly set': `SELECT count(DISTINCT login) = count(*) AND count(email) > count(*) * 0.8 FROM learners`,
        };
        const failed: string[] = [];
        for (const [name, sql] of Object.entries(checks)) if ((await value(sql)) !== true) failed.push(name);
        expect(failed).to.deep.equal([]);
      });

      it('has the Department custom field with values for most learners, not all', async () => {
        const [field] = await rows<{ id: number; label: string }>(
          `SELECT id, label FROM custom_fields WHERE guid = '${DEPARTMENT_FIELD_GUID}'`,
        );
        expect(field?.label).to.equal('Department');
        const withValue = Number(
          await value(
            `SELECT count(*) FROM learner_custom_field_values WHERE custom_field_id = ${field!.id} AND value IS NOT NULL`,
          ),
        );
        expect(withValue)
          .to.be.above(LEARNERS * 0.6)
          .and.below(LEARNERS);
        expect(Number(await value(`SELECT count(*) FROM custom_fields`))).to.be.at.least(3);
      });

      it('puts back every key, index and foreign key it set aside during the load', async () => {
        const after = await structure(db.knex);
        expect(after).to.deep.equal(structureBefore);
        expect(after.filter((d) => / FOREIGN KEY /.test(d))).to.have.length(17);
      });

      it('moves the identity sequences past the ids it gave', async () => {
        const { knex } = db;
        await knex
          .transaction(async (trx) => {
            const [learner] = await trx('learners').insert({ login: 'after-seed' }).returning('id');
            expect(Number((learner as { id: number }).id)).to.equal(LEARNERS + 1);
            const [registration] = await trx('registrations')
              .insert({ learner_id: LEARNERS + 1, session_id: 1 })
              .returning('id');
            expect(Number((registration as { id: number }).id)).to.equal(LEARNERS * 5 + 1);
            await trx.rollback();
          })
          .catch((e: unknown) => {
            if (!(e instanceof Error && /rollback/i.test(e.message))) throw e;
          });
      });

      it('refuses a database that already holds data', async () => {
        let error: unknown;
        await seed(db.knex, { learners: 5, anchor: ANCHOR }).catch((e: unknown) => (error = e));
        expect(String(error)).to.match(/refusing to seed a database that already holds data.*reset: true/);
      });

      it('is deterministic: the same seed and anchor give the same rows, another seed other rows', async () => {
        await seed(db.knex, { learners: LEARNERS, seed: 7, anchor: ANCHOR, reset: true });
        expect((await contentHash(db.knex)).tables).to.deep.equal(hashes.get(kind)!.tables);
        await seed(db.knex, { learners: LEARNERS, seed: 8, anchor: ANCHOR, reset: true });
        const other = await contentHash(db.knex);
        expect(other.all).to.not.equal(hashes.get(kind)!.all);
        await seed(db.knex, { learners: LEARNERS, seed: 7, anchor: '2024-07-01', reset: true });
        expect((await contentHash(db.knex)).all).to.not.equal(hashes.get(kind)!.all);
      });

      if (kind === 'postgres') {
        it('writes byte-identical data on PGlite and PostgreSQL', function () {
          if (!hashes.has('pglite')) this.skip();
          expect(hashes.get('postgres')!.tables).to.deep.equal(hashes.get('pglite')!.tables);
        });
      }

      it('takes a number of registrations instead of learners, and anchors on today by default', async () => {
        const before = new Date().toISOString().slice(0, 10);
        const result = await seed(db.knex, { registrations: 123, reset: true });
        const after = new Date().toISOString().slice(0, 10);
        expect(result).to.include({ registrations: 123, learners: 25, seed: 1 });
        expect(Number(await value(`SELECT count(*) FROM registrations`))).to.equal(123);
        expect([before, after]).to.include(result.anchor);
        expect([before, after]).to.include(
          String(await value(`SELECT to_char(max(day), 'YYYY-MM-DD') FROM tracking_days`)),
        );
        // Anchored on today, the data end at the seeding instant: no time lies in the future.
        const latest = await value(`SELECT greatest(
        (SELECT max(last_platform_access_at) FROM learners), (SELECT max(updated_at) FROM learners),
        (SELECT max(last_access_at) FROM trackings), (SELECT max(updated_at) FROM trackings),
        (SELECT max(updated_at) FROM registrations), (SELECT max(registered_at) FROM registrations))`);
        expect(new Date(latest as string | Date).getTime()).to.be.at.most(Date.now());
      });

      it('rejects invalid options', async () => {
        for (const [options, message] of [
          [{ learners: 0 }, /learners must be a positive integer/],
          [{ registrations: 1.5 }, /registrations must be a positive integer/],
          [{}, /give learners or registrations/],
          [{ learners: 3, anchor: '2024-02-30' }, /anchor must be a day YYYY-MM-DD/],
        ] as const) {
          let error: unknown;
          await seed(db.knex, { ...options, reset: true } as never).catch((e: unknown) => (error = e));
          expect(String(error)).to.match(message);
        }
      });
    },
  );
}
