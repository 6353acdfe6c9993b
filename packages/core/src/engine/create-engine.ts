import type { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import knexFactory from 'knex';
import { composeQuery } from '../query/composer.js';
import { formattingSettings } from '../format/create-format-context.js';
import { basename, dirname, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContainer, type PluginModule } from '../di/container.js';
import { Registry } from '../registry/registry.js';
import { loadPlugin } from '../plugins/load-plugin.js';
import { readTemplate } from '../template/read-template.js';
import type { ExportConfig, ExportDefinition } from '../template/model.js';
import { TemplateError, type TemplateIssue } from '../errors/template-error.js';
import { ExportkitError } from '../errors/exportkit-error.js';
import { statementProblems } from './prepared-statement-check.js';
import { validateExport } from '../validation/validate-export.js';
import type { ExportPlan } from '../validation/export-plan.js';
import { runExport, type ExportResult, type ReadReplica } from './run-export.js';
import { checkReplica, DEFAULT_REPLICA_WAIT_SECONDS } from './read-replica.js';
import type { RunTemplate } from './run-record.js';
import { recoverAbandonedRuns, type RecoveryReport } from './recover-abandoned-runs.js';
import { ensureEngineState } from './engine-state.js';
import { silentLogger, type Logger } from './logger.js';
import { checkedInstant } from '../parameters/iso-instant.js';
import { InvalidEngineOptionError } from './invalid-engine-option-error.js';
import type { ProgressListener } from './progress.js';
import { describeRegistry, type RegistryDescription } from '../registry/describe.js';
import type { SqlFragment } from '../query/sql-fragment.js';
import type { DeliveryOptions } from '../delivery/delivery-settings.js';
import { withDeliveryFile } from '../delivery/delivery-file.js';
import { retryDeliveries, type DeliveryRetryResult } from '../delivery/retry-deliveries.js';

/** An open database as a connector gives it: the engine closes it in `close()`. */
export interface DatabaseConnection {
  knex: Knex;
  close(): Promise<void>;
}

/**
 * Opens the database a target names (`databaseUrl`, or undefined for the host's default). Core
 * opens no database itself: the `exportkit` package passes one that knows PostgreSQL URLs and the
 * embedded PGlite; a host passes `knex` instead.
 */
export type DatabaseConnector = (target: string | undefined, options: { cwd: string }) => Promise<DatabaseConnection>;

export interface EngineOptions {
  /** A Knex instance the host owns (the engine does not destroy it). */
  knex?: Knex;
  /** A target for `connect` (with the `exportkit` package: `postgres://…`, `file:PATH` or `memory:`). */
  databaseUrl?: string;
  /** Opens `databaseUrl` when no `knex` is given (see DatabaseConnector), and `replicaUrl`. */
  connect?: DatabaseConnector;
  /**
   * A streaming replica of the database (a PostgreSQL standby) that runs the exports' statements
   * (cursor or COPY, their estimate and PREPARE); the engine's state, locks, delta marks and
   * deliveries stay on the database (the primary). A Knex instance the host owns, or a URL for
   * `connect`. Checked before every run: in recovery, and a standby of that primary.
   */
  replicaKnex?: Knex;
  replicaUrl?: string;
  /**
   * How long a delta run waits for the replica to replay the primary's WAL up to its delta mark
   * before failing (default 30 s).
   */
  replicaWaitSeconds?: number;
  /** The plugins: package names, paths, or ContainerModules (core has none of its own). */
  plugins?: ReadonlyArray<string | PluginModule>;
  /** Root of every template path; default `./data`. */
  dataDir?: string;
  /** Where default packages go; default `<dataDir>/exports`. */
  outDir?: string;
  /** Fixes the runs' reference instant (reproducible runs). */
  now?: Date;
  /** Rows per FETCH. */
  batchSize?: number;
  /** Base folder for relative paths and plugin resolution; default process.cwd(). */
  cwd?: string;
  /**
   * `auto`: a CSV/TSV export that PostgreSQL can write itself (server, one action, UTF-8, every
   * column with a SQL form) streams `COPY … TO STDOUT` into the file; `off`: always rows.
   * Default: EXPORTKIT_COPY_PATH, else `auto`.
   */
  copyPath?: 'auto' | 'off';
  /** Where the engine logs (pino-compatible; default: nothing). Every line of a run carries its `runId`. */
  logger?: Logger;
  /**
   * What the delivery steps (emailReport, callBackUrl, remoteResourceUploader, pgpEncryption's
   * keys) need and a template never holds: named connections and keys with their secrets, the
   * public base URL, the retry policy (docs/pipeline.md, "Delivery"). Environment variables
   * complete it.
   */
  delivery?: DeliveryOptions;
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  now?: Date;
  /**
   * A preview: each export writes its first `limit` rows only, under the name `<name>-preview`
   * (so its package and `%n` file names say so), and moves no delta mark.
   */
  limit?: number;
}

export interface RunResult {
  exports: ExportResult[];
}

export interface Engine {
  run(template: string | ExportConfig, options?: RunOptions): Promise<RunResult>;
  /** Every problem of the template (errors and warnings); empty when it can run. */
  validate(template: string | ExportConfig): Promise<TemplateIssue[]>;
  describe(options?: { plugins?: readonly string[] }): Promise<RegistryDescription>;
  /**
   * The statement each export of a template would run (the row path's query, `$n` placeholders)
   * with its bindings, without running it; a template with problems throws its TemplateError.
   * Needs no database (the statement is composed for PostgreSQL).
   */
  statements(template: string | ExportConfig, options?: { now?: Date }): Promise<ExportStatement[]>;
  /**
   * Everything but the run: validates with the database, composes and PREPAREs each export's
   * statement (so a plugin's SQL mistake shows now), writes nothing, records nothing.
   */
  dryRun(template: string | ExportConfig, options?: { now?: Date }): Promise<ExportStatement[]>;
  /**
   * Delivers again the files of a run whose delivery failed (or re-sends what did not get
   * through), without querying: the deliveries of its template (`template`, else the one
   * `export_runs` recorded) that have not succeeded for that run yet.
   */
  retryDelivery(
    runId: number,
    template?: string | ExportConfig,
    options?: { signal?: AbortSignal },
  ): Promise<DeliveryRetryResult>;
  registry(extraPlugins?: readonly string[], fromDir?: string): Promise<Registry>;
  database(): Promise<Knex>;
  /**
   * Settles what dead runs left in the data directory and `export_runs` (every run does this
   * first): for a host that skips a run, having learnt that an earlier attempt of it succeeded.
   */
  recover(): Promise<RecoveryReport>;
  close(): Promise<void>;
}

/** One export's composed statement (see Engine.statements). */
export interface ExportStatement {
  name: string;
  guid?: string;
  /** With `$n` placeholders, as PostgreSQL receives it. */
  sql: string;
  bindings: unknown[];
  /** The same with `?` placeholders, for `knex.raw`. */
  knexSql: string;
}

export const ENGINE_VERSION: string = (
  JSON.parse(readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../package.json'), 'utf8')) as {
    version: string;
  }
).version;

/**
 * The engine a host embeds, with exactly the plugins it is given (the `exportkit` package's
 * createEngine adds the built-in ones); the CLI is a thin shell over it.
 */
export function createEngine(options: EngineOptions = {}): Engine {
  const cwd = options.cwd ?? process.cwd();
  const dataDir = resolve(cwd, options.dataDir ?? 'data');
  const outDir = options.outDir ? resolve(cwd, options.outDir) : resolve(dataDir, 'exports');
  const registries = new Map<string, Promise<Registry>>();
  let opened: Promise<DatabaseConnection> | undefined;
  let openedReplica: Promise<DatabaseConnection> | undefined;
  let engineState: Promise<void> | undefined;
  let deliveryOptions: DeliveryOptions | undefined;
  /** The delivery options completed by the delivery settings file, read once, before the first run needs them. */
  const delivery = (): DeliveryOptions =>
    (deliveryOptions ??= withDeliveryFile(options.delivery, cwd, options.logger ?? silentLogger));

  const database = async (): Promise<Knex> => {
    if (options.knex) return options.knex;
    if (!options.connect) {
      throw new InvalidEngineOptionError(
        "no database: pass knex (a Knex instance the host owns), or connect with databaseUrl (the exportkit package's createEngine does)",
      );
    }
    opened ??= options.connect(options.databaseUrl, { cwd });
    return (await opened).knex;
  };

  /**
   * The replica (undefined without one), opened once and checked against the primary each time:
   * a long-lived worker must notice a standby that was promoted meanwhile (it would diverge).
   */
  const replica = async (): Promise<ReadReplica | undefined> => {
    if (!options.replicaKnex && options.replicaUrl === undefined) return undefined;
    const where = options.replicaKnex ? 'the replicaKnex given' : redactedUrl(options.replicaUrl!);
    const waitSeconds = options.replicaWaitSeconds ?? DEFAULT_REPLICA_WAIT_SECONDS;
    if (!(waitSeconds >= 0))
      throw new InvalidEngineOptionError(
        `option replicaWaitSeconds: ${waitSeconds} is not a number of seconds (0 or more)`,
      );
    let knex = options.replicaKnex;
    if (!knex) {
      if (!options.connect)
        throw new InvalidEngineOptionError(
          "option replicaUrl needs connect (the exportkit package's createEngine passes it)",
        );
      openedReplica ??= options.connect(options.replicaUrl, { cwd }).catch((error: unknown) => {
        openedReplica = undefined;
        throw error;
      });
      knex = (await openedReplica).knex;
    }
    await checkReplica(await database(), knex, where);
    return { knex, waitSeconds, where };
  };

  /** Where exports' statements run: the replica if there is one. */
  const readDatabase = async (): Promise<Knex> => (await replica())?.knex ?? database();

  const registry = (extra: readonly string[] = [], fromDir = cwd): Promise<Registry> => {
    const key = JSON.stringify([extra, fromDir]);
    let cached = registries.get(key);
    if (!cached) {
      cached = (async () => {
        const modules: PluginModule[] = [];
        for (const plugin of options.plugins ?? [])
          modules.push(typeof plugin === 'string' ? await loadPlugin(plugin, cwd) : plugin);
        for (const plugin of extra) modules.push(await loadPlugin(plugin, fromDir));
        return Registry.fromContainer(createContainer(modules));
      })();
      registries.set(key, cached);
    }
    return cached;
  };

  const load = async (template: string | ExportConfig): Promise<ExportConfig> =>
    typeof template === 'string' ? readTemplate(resolve(cwd, template)) : template;

  const plan = async (
    config: ExportConfig,
    definition: ExportDefinition,
    withDatabase: boolean,
  ): Promise<{ plan?: ExportPlan; issues: TemplateIssue[]; registry: Registry }> => {
    const reg = await registry(
      definition.plugins.map((p) => p.specifier),
      dirname(resolve(cwd, config.file)),
    );
    const knex = withDatabase ? await database() : undefined;
    const query = knex
      ? async <T>(fragment: SqlFragment) =>
          ((await knex.raw(fragment.sql, fragment.bindings as never)) as { rows: T[] }).rows
      : undefined;
    const result = await validateExport(config.file, definition, reg, query ? { query } : undefined);
    return { ...result, registry: reg };
  };

  /**
   * Each export's statement, composed for PostgreSQL; every problem of the template (checked with
   * the database when asked) throws one TemplateError. Composing needs only the dialect: a knex
   * without a connection unless the host gave one.
   */
  const composeStatements = async (
    config: ExportConfig,
    withDatabase: boolean,
    at?: Date,
  ): Promise<Array<ExportStatement & { plan: ExportPlan }>> => {
    const now = at ?? options.now ?? new Date();
    const out: Array<ExportStatement & { plan: ExportPlan }> = [];
    const issues: TemplateIssue[] = [];
    for (const definition of config.exports) {
      const result = await plan(config, definition, withDatabase);
      issues.push(...result.issues.filter((i) => i.severity !== 'warning'));
      if (!result.plan) continue;
      const query = composeFor(result.plan, result.plan.columns, now);
      out.push({
        name: exportNameOf(config, definition),
        guid: definition.guid,
        sql: query.native.sql,
        bindings: query.native.bindings,
        knexSql: query.sql,
        plan: result.plan,
      });
    }
    if (issues.length) throw new TemplateError(issues);
    return out;
  };

  /** An export's statement for PostgreSQL over some of its columns (all of them to run it; one to find a faulty one). */
  const composeFor = (p: ExportPlan, columns: readonly ExportPlan['columns'][number][], now: Date) => {
    const dialect = options.knex ?? knexFactory({ client: 'pg' });
    const settings = formattingSettings(p.provider.provider.metadata.formatting ?? {}, p.parameters);
    return composeQuery(dialect, {
      provider: p.provider,
      columns: [...columns],
      parameters: p.parameters,
      timeZone: settings.timeZone,
      now,
      exportGuid: p.definition.guid,
    });
  };

  /** PREPAREs an export's statement: a plugin's SQL mistake, named by its column and package. */
  const checkStatement = async (p: ExportPlan, now: Date) =>
    statementProblems(await readDatabase(), p.columns, (columns) => composeFor(p, columns, now).native.sql);

  return {
    async run(template, runOptions = {}) {
      const parseStarted = performance.now();
      const config = await load(template);
      const now = runOptions.now ?? options.now ?? new Date();
      const checkedNow = checkedInstant(now);
      if (!checkedNow.ok) throw new InvalidEngineOptionError(`option now: ${checkedNow.message}`);
      // Validate every export before running any, so a bad template writes nothing.
      const plans: Array<{ plan: ExportPlan; registry: Registry; name: string }> = [];
      const issues: TemplateIssue[] = [];
      for (const definition of config.exports) {
        const result = await plan(config, definition, true);
        // Not push(...issues): a spread of a hundred thousand problems overflows the stack.
        for (const issue of result.issues) if (issue.severity !== 'warning') issues.push(issue);
        for (const warning of result.issues.filter((i) => i.severity === 'warning')) {
          const message = `${warning.file}:${warning.line ?? ''} ${warning.message}`;
          (options.logger ?? silentLogger).warn({ file: warning.file, line: warning.line }, message);
          runOptions.onProgress?.({ type: 'warning', message });
        }
        if (result.plan)
          plans.push({ plan: result.plan, registry: result.registry, name: exportNameOf(config, definition) });
      }
      if (issues.length) throw new TemplateError(issues);
      const parseSeconds = (performance.now() - parseStarted) / 1000;
      const runTemplate = templateOf(template, config);
      const knex = await database();
      const readReplica = await replica();
      engineState ??= ensureEngineState(knex);
      await engineState.catch((error: unknown) => {
        engineState = undefined;
        throw error;
      });
      // Runs killed earlier (SIGKILL, a second Ctrl-C) left files and `running` rows: settle them first.
      const recovered = await recoverAbandonedRuns(knex, dataDir);
      const logger = options.logger ?? silentLogger;
      for (const id of recovered.abandoned) {
        const message = `run ${id} had been abandoned by its process; closed as failed, its files rolled back`;
        logger.warn({ runId: id }, message);
        runOptions.onProgress?.({ type: 'warning', message });
      }
      for (const problem of recovered.problems) {
        logger.warn({}, `recovery: ${problem}`);
        runOptions.onProgress?.({ type: 'warning', message: `recovery: ${problem}` });
      }
      const exports: ExportResult[] = [];
      for (const [index, { plan: p, registry: reg, name }] of plans.entries()) {
        runOptions.onProgress?.({ type: 'export-started', exportName: name, index, of: plans.length });
        exports.push(
          await runExport({
            knex,
            registry: reg,
            plan: p,
            exportName: runOptions.limit === undefined ? name : `${name}-preview`,
            dataDir,
            outDir,
            now,
            limit: runOptions.limit,
            engineVersion: ENGINE_VERSION,
            batchSize: options.batchSize,
            signal: runOptions.signal,
            onProgress: runOptions.onProgress,
            parseSeconds,
            copyPath: options.copyPath,
            template: runTemplate,
            logger: options.logger,
            delivery: delivery(),
            replica: readReplica,
          }),
        );
      }
      return { exports };
    },

    async validate(template) {
      const config = await load(template);
      const issues: TemplateIssue[] = [];
      const withDatabase = !!(options.knex || options.databaseUrl);
      for (const definition of config.exports) {
        const result = await plan(config, definition, withDatabase);
        for (const issue of result.issues) issues.push(issue);
        // With a database, the composed statement must also PREPARE.
        if (withDatabase && result.plan) {
          for (const problem of await checkStatement(result.plan, options.now ?? new Date())) {
            const at = problem.column?.use.spec ?? definition.provider;
            issues.push({
              file: config.file,
              line: at.line,
              element: problem.column?.use.spec.name ?? definition.provider.name,
              message: problem.message,
            });
          }
        }
      }
      return issues;
    },

    async statements(template, statementOptions = {}) {
      return (await composeStatements(await load(template), false, statementOptions.now)).map(
        ({ plan: _plan, ...statement }) => statement,
      );
    },

    async dryRun(template, dryOptions = {}) {
      const now = dryOptions.now ?? options.now ?? new Date();
      const statements = await composeStatements(await load(template), true, now);
      const problems: string[] = [];
      for (const statement of statements) {
        for (const problem of await checkStatement(statement.plan, now))
          problems.push(`export ${statement.name}: ${problem.message}`);
      }
      if (problems.length) throw new ExportkitError(problems.join('\n'));
      return statements.map(({ plan: _plan, ...statement }) => statement);
    },

    async describe(describeOptions = {}) {
      return describeRegistry(await registry(describeOptions.plugins ?? []));
    },

    async retryDelivery(runId, template, retryOptions = {}) {
      const knex = await database();
      engineState ??= ensureEngineState(knex);
      await engineState;
      return retryDeliveries({
        knex,
        runId,
        dataDir,
        template,
        load,
        planOf: async (config, definition) => {
          const result = await plan(config, definition, false);
          const errors = result.issues.filter((i) => i.severity !== 'warning');
          if (errors.length || !result.plan) throw new TemplateError(errors);
          return { plan: result.plan, name: exportNameOf(config, definition) };
        },
        delivery: delivery(),
        logger: options.logger ?? silentLogger,
        signal: retryOptions.signal,
      });
    },

    registry,
    database,

    async recover() {
      const knex = await database();
      engineState ??= ensureEngineState(knex);
      await engineState;
      return recoverAbandonedRuns(knex, dataDir);
    },

    async close() {
      const replicaConnection = openedReplica;
      openedReplica = undefined;
      if (replicaConnection)
        await replicaConnection.then(
          (connection) => connection.close(),
          () => undefined,
        );
      if (opened) await (await opened).close();
      opened = undefined;
    },
  };
}

/** Name of an export: its `name`, else its guid, else the template file's base name. */
export function exportNameOf(config: ExportConfig, definition: ExportDefinition): string {
  return definition.name ?? definition.guid ?? basename(config.file, extname(config.file));
}

/** The template's path and, when it came from a file, the SHA-256 of its bytes (`export_runs`). */
function templateOf(template: string | ExportConfig, config: ExportConfig): RunTemplate {
  if (typeof template !== 'string') return { path: config.file };
  try {
    return { path: config.file, sha256: createHash('sha256').update(readFileSync(config.file)).digest('hex') };
  } catch {
    return { path: config.file };
  }
}

/** A database URL as errors may show it: without its password. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}
