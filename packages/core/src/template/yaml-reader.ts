import {
  Composer,
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Alias,
  type Document,
  type Scalar,
  type YAMLMap,
} from 'yaml';
import type {
  ColumnSpec,
  ExportConfig,
  ExportDefinition,
  Located,
  ParameterSpec,
  RawValue,
  ScheduleSpec,
  StepSpec,
} from './model.js';
import { IssueList, LineTable, listOf } from './issues.js';
import { checkTemplateText, formatCount, NUL_MESSAGE, TEMPLATE_LIMITS } from './limits.js';
import { nameTable } from './name-table.js';
import { TEMPLATES_PARAMETER, TEMPLATE_ENTRY, YAML_EXPORT_KEYS, type StepSection } from './names.js';
import { CRON_EXPRESSION_TEXT, DEFAULT_SCHEDULE_TIME_ZONE, scheduleProblem } from './schedule.js';
import { SCHEDULE_KEYS, TEMPLATE_SCHEDULE_KEY } from './names.js';
import { parseYamlSource, TOO_MANY_YAML_NODES } from './yaml-source-check.js';
import { surveyYamlDocument, type YNode } from './yaml-survey.js';

/** At most this many aliases (`*name`) in a template (billion-laughs guard, with the node bound). */
export const YAML_MAX_ALIAS_COUNT = TEMPLATE_LIMITS.maxYamlAliases;

interface Entry {
  key: string;
  /** Line of the key. */
  line: number;
  value: YNode | undefined;
}

/**
 * Reads a YAML template (`exports:` list, or one export's keys at top level) into the typed
 * model. Every scalar is kept as its text (the failsafe schema: `3` is "3", `yes` is "yes").
 * Every problem is collected; when there is any, one TemplateError carrying all of them is thrown.
 *
 * The bounds (docs/templates.md) are checked in the order that keeps refusing cheap: size and
 * NUL on the text, tokens, nodes, aliases and tags on each token as it is parsed, depth on the
 * syntax tree, alias expansion on the composed document — each before the step it protects.
 */
export function readYamlTemplate(text: string, file: string): ExportConfig {
  checkTemplateText(text, file);
  const issues = new IssueList(file);
  const lines = new LineTable(text);
  const lineCounter = new LineCounter();
  const doc = compose(text, lineCounter, lines, issues);
  let fatal = doc === undefined;
  for (const error of doc?.errors ?? []) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    issues.add(line, undefined, `YAML syntax error: ${error.message.replace(/\.$/, '')} (column ${col})`);
    fatal = true;
  }
  for (const warning of doc?.warnings ?? []) {
    if (warning.code === 'TAG_RESOLVE_FAILED') continue; // every tag is already reported
    const { line, col } = lineCounter.linePos(warning.pos[0]);
    issues.add(line, undefined, `YAML: ${warning.message.replace(/\.$/, '')} (column ${col})`);
  }
  let exports: ExportDefinition[] = [];
  let schedule: ScheduleSpec | undefined;
  if (doc && !fatal) {
    const lineOf = (node: YNode | Alias) => (node.range ? lineCounter.linePos(node.range[0]).line : 1);
    const survey = surveyYamlDocument(doc, (scalar) => {
      if (typeof scalar.value === 'string' && scalar.value.includes('\u0000'))
        issues.add(lineOf(scalar), undefined, NUL_MESSAGE);
    });
    if (!survey.ok) {
      issues.add(
        lineOf(survey.at),
        undefined,
        survey.problem === 'circular'
          ? `the alias ${String(survey.at)} stands for a node that contains it; the template is refused`
          : survey.problem === 'expansion'
            ? `too many alias expansions: with its aliases expanded the template holds more than ${formatCount(TEMPLATE_LIMITS.maxNodes)} keys, values and list items; the template is refused`
            : TOO_MANY_YAML_NODES,
      );
    } else {
      const reader = new YamlTemplateReader(doc, survey.targets, lineCounter, issues);
      exports = reader.root();
      schedule = reader.schedule;
    }
  }
  issues.throwIfAny();
  return schedule ? { file, format: 'yaml', exports, schedule } : { file, format: 'yaml', exports };
}

/** Parses with the bounds checked (stack-safe), then composes one document (the composer recurses). */
function compose(text: string, lineCounter: LineCounter, lines: LineTable, issues: IssueList): Document | undefined {
  const tree = parseYamlSource(text, lineCounter, lines, issues);
  if (!tree) return undefined;
  const composer = new Composer({
    schema: 'failsafe',
    // Duplicate keys are reported by the reader, naming the key and both lines.
    uniqueKeys: false,
    strict: true,
  });
  let doc: Document | undefined;
  for (const next of composer.compose(tree, true, text.length)) {
    if (!doc) doc = next;
    else {
      issues.add(
        lineCounter.linePos(next.range[0]).line,
        undefined,
        'YAML syntax error: the template holds multiple documents; write one',
      );
      break;
    }
  }
  return doc;
}

class YamlTemplateReader {
  /** The template's `schedule:` key, once root() has read it. */
  schedule: ScheduleSpec | undefined;

  constructor(
    private readonly doc: Document,
    private readonly aliasTargets: ReadonlyMap<Alias, YNode>,
    private readonly lineCounter: LineCounter,
    private readonly issues: IssueList,
  ) {}

  root(): ExportDefinition[] {
    const root = this.resolve(this.doc.contents);
    if (!root || (isScalar(root) && scalarText(root) === '')) {
      this.issues.add(1, undefined, 'the template is empty');
      return [];
    }
    if (!isMap(root)) {
      this.issues.add(
        this.line(root),
        undefined,
        'a template is a map: `exports:` with a list of exports, or the keys of one export',
      );
      return [];
    }
    const entries = this.entries(root, 'the template');
    const scheduleEntry = entries.find((e) => e.key === TEMPLATE_SCHEDULE_KEY);
    if (scheduleEntry) this.schedule = this.scheduleOf(scheduleEntry);
    const exportEntries = entries.filter((e) => e.key !== TEMPLATE_SCHEDULE_KEY);
    if (!exportEntries.some((e) => e.key === 'exports')) {
      return [
        this.export(root, exportEntries, 'the template', [...YAML_EXPORT_KEYS, 'exports', TEMPLATE_SCHEDULE_KEY]),
      ];
    }
    const exports: ExportDefinition[] = [];
    for (const entry of exportEntries) {
      if (entry.key !== 'exports') {
        if ((YAML_EXPORT_KEYS as readonly string[]).includes(entry.key)) {
          this.issues.add(entry.line, entry.key, 'belongs to an export: move it into an item of the `exports` list');
        } else {
          this.issues.unknown(entry.line, entry.key, 'key', 'the template (beside `exports`)', [
            'exports',
            TEMPLATE_SCHEDULE_KEY,
          ]);
        }
        continue;
      }
      const list = entry.value;
      if (!list || !isSeq(list)) {
        this.kindIssue(entry, 'a list of exports');
        continue;
      }
      list.items.forEach((item, index) => {
        const node = this.resolve(item);
        const where = `exports[${index}]`;
        if (!node || !isMap(node)) {
          this.issues.add(
            node ? this.line(node) : entry.line,
            where,
            'an export is a map (guid, name, provider, columns, …)',
          );
          return;
        }
        exports.push(this.export(node, this.entries(node, where), where, YAML_EXPORT_KEYS));
      });
      if (list.items.length === 0) this.issues.add(entry.line, 'exports', 'the list of exports is empty');
    }
    return exports;
  }

  private export(map: YAMLMap, entries: Entry[], where: string, allowed: readonly string[]): ExportDefinition {
    const line = this.line(map);
    const definition: ExportDefinition = {
      line,
      plugins: [],
      provider: { line, name: '', columns: [], parameters: [] },
      actions: [],
      consolidators: [],
      postProcess: [],
    };
    let provider: { name: string; line: number } | undefined;
    let providerSeen = false;
    let columns: ColumnSpec[] = [];
    let parameters: ParameterSpec[] = [];
    for (const entry of entries) {
      switch (entry.key) {
        case 'guid':
        case 'name': {
          const text = this.scalar(entry, 'a text');
          if (text !== undefined) definition[entry.key] = text;
          break;
        }
        case 'plugins':
          definition.plugins = this.plugins(entry);
          break;
        case 'provider': {
          providerSeen = true;
          const name = this.scalar(entry, 'the provider name, e.g. consolidatedTracking');
          if (name === '')
            this.issues.add(entry.line, 'provider', 'is empty; name the provider, e.g. consolidatedTracking');
          else if (name !== undefined) provider = { name, line: entry.line };
          break;
        }
        case 'columns':
          columns = this.columns(entry);
          break;
        case 'parameters':
          parameters = this.parameters(entry);
          break;
        case 'actions':
        case 'consolidators':
        case 'postProcess':
          definition[entry.key as StepSection] = this.steps(entry);
          break;
        case 'exports':
        default:
          this.issues.unknown(
            entry.line,
            entry.key,
            'key',
            where === 'the template' ? where : `export ${where}`,
            allowed,
          );
      }
    }
    if (provider) definition.provider = { line: provider.line, name: provider.name, columns, parameters };
    else {
      definition.provider.columns = columns;
      definition.provider.parameters = parameters;
      if (!providerSeen) {
        this.issues.add(
          line,
          'provider',
          'is missing; an export needs exactly one provider (e.g. `provider: consolidatedTracking`)',
        );
      }
    }
    return definition;
  }

  /** `schedule: "0 2 * * *"` (UTC) or `schedule: { cron: "0 2 * * *", timeZone: Europe/Paris }`. */
  private scheduleOf(entry: Entry): ScheduleSpec | undefined {
    const node = entry.value;
    let cron: string | undefined;
    let cronLine = entry.line;
    let timeZone = DEFAULT_SCHEDULE_TIME_ZONE;
    let timeZoneLine = entry.line;
    if (node && isScalar(node)) cron = scalarText(node);
    else if (node && isMap(node)) {
      for (const key of this.entries(node, TEMPLATE_SCHEDULE_KEY)) {
        const path = `${TEMPLATE_SCHEDULE_KEY}.${key.key}`;
        if (key.key === 'cron') {
          cron = this.scalar(key, 'a cron expression, e.g. "0 2 * * *"', path);
          cronLine = key.line;
        } else if (key.key === 'timeZone') {
          const zone = this.scalar(key, 'a time zone, e.g. Europe/Paris', path);
          if (zone === undefined) return undefined;
          timeZone = zone;
          timeZoneLine = key.line;
        } else this.issues.unknown(key.line, key.key, 'key', `\`${TEMPLATE_SCHEDULE_KEY}\``, SCHEDULE_KEYS);
      }
      if (cron === undefined) {
        this.issues.add(entry.line, TEMPLATE_SCHEDULE_KEY, 'has no `cron:`; write e.g. `cron: "0 2 * * *"`');
        return undefined;
      }
    } else {
      this.kindIssue(entry, `${CRON_EXPRESSION_TEXT}, or a map of \`cron\` and \`timeZone\``);
      return undefined;
    }
    if (cron === undefined) return undefined;
    const problem = scheduleProblem(cron, timeZone);
    if (problem) {
      const zoneProblem = problem.startsWith('time zone');
      this.issues.add(zoneProblem ? timeZoneLine : cronLine, TEMPLATE_SCHEDULE_KEY, problem);
      return undefined;
    }
    return { line: entry.line, cron, timeZone };
  }

  private plugins(entry: Entry): Array<Located & { specifier: string }> {
    const node = entry.value;
    if (node && isScalar(node)) {
      const specifier = scalarText(node);
      return specifier === '' ? [] : [{ line: entry.line, specifier }];
    }
    if (!node || !isSeq(node)) {
      this.kindIssue(entry, 'a list of plugin package names or paths');
      return [];
    }
    const plugins: Array<Located & { specifier: string }> = [];
    for (const item of node.items) {
      const value = this.resolve(item);
      if (!value || !isScalar(value) || scalarText(value) === '') {
        this.issues.add(value ? this.line(value) : entry.line, 'plugins', 'a plugin is a package name or path');
        continue;
      }
      plugins.push({ line: this.line(value), specifier: scalarText(value) });
    }
    return plugins;
  }

  private columns(entry: Entry): ColumnSpec[] {
    const node = entry.value;
    if (node && isScalar(node) && scalarText(node) === '') return [];
    if (!node || !isSeq(node)) {
      this.kindIssue(entry, 'a list of columns');
      return [];
    }
    const columns: ColumnSpec[] = [];
    for (const item of node.items) {
      const column = this.column(this.resolve(item), entry.line);
      if (column) columns.push(column);
    }
    return columns;
  }

  private column(node: YNode | undefined, fallbackLine: number): ColumnSpec | undefined {
    const shapes = 'a column is a name, a one-key map `name: {label, value}`, or a map with `name:`';
    if (!node || isSeq(node)) {
      this.issues.add(node ? this.line(node) : fallbackLine, 'columns', shapes);
      return undefined;
    }
    const line = this.line(node);
    if (isScalar(node)) {
      const name = scalarText(node);
      if (name === '') {
        this.issues.add(line, 'columns', `empty column; ${shapes}`);
        return undefined;
      }
      return { line, name, attributes: nameTable() };
    }
    const entries = this.entries(node, 'a column');
    const named = entries.find((e) => e.key === 'name');
    if (named) {
      const name = this.scalar(named, 'the column name');
      if (!name) {
        if (name === '') this.issues.add(named.line, 'name', 'the column name is empty');
        return undefined;
      }
      const column: ColumnSpec = { line, name, attributes: nameTable() };
      this.columnProperties(
        column,
        entries.filter((e) => e !== named),
      );
      return column;
    }
    if (entries.length !== 1) {
      this.issues.add(
        line,
        entries.map((e) => e.key).join(','),
        `${shapes}; found keys ${listOf(entries.map((e) => e.key))}`,
      );
      return undefined;
    }
    const [only] = entries as [Entry];
    const column: ColumnSpec = { line, name: only.key, attributes: nameTable() };
    const value = only.value;
    if (!value || isScalar(value)) {
      const text = value ? scalarText(value) : '';
      if (text !== '') column.value = text;
    } else if (isMap(value)) {
      this.columnProperties(column, this.entries(value, `column ${only.key}`));
    } else {
      this.issues.add(only.line, only.key, `${shapes}; found a list`);
    }
    return column;
  }

  private columnProperties(column: ColumnSpec, entries: Entry[]): void {
    for (const entry of entries) {
      const text = this.scalar(entry, 'a text', `${column.name}.${entry.key}`);
      if (text === undefined) continue;
      if (entry.key === 'label') column.label = text;
      else if (entry.key === 'value') {
        if (text !== '') column.value = text;
      } else column.attributes[entry.key] = text;
    }
  }

  private parameters(entry: Entry): ParameterSpec[] {
    const node = entry.value;
    if (node && isScalar(node) && scalarText(node) === '') return [];
    if (!node || !isMap(node)) {
      this.kindIssue(entry, 'a map of parameters (name: value)');
      return [];
    }
    return this.entries(node, 'parameters').map((parameter) => ({
      line: parameter.line,
      name: parameter.key,
      value:
        parameter.key === TEMPLATES_PARAMETER
          ? this.templates(parameter)
          : this.value(parameter.value, `parameters.${parameter.key}`, parameter.line),
    }));
  }

  private steps(entry: Entry): StepSpec[] {
    const node = entry.value;
    if (node && isScalar(node) && scalarText(node) === '') return [];
    if (!node || !isSeq(node)) {
      this.kindIssue(entry, `a list of steps, e.g. \`- fileExportAction: {format: CSV}\``);
      return [];
    }
    const steps: StepSpec[] = [];
    for (const item of node.items) {
      const step = this.resolve(item);
      if (step && isScalar(step) && scalarText(step) !== '') {
        steps.push({ line: this.line(step), type: scalarText(step), options: nameTable() });
        continue;
      }
      if (!step || !isMap(step)) {
        this.issues.add(
          step ? this.line(step) : entry.line,
          entry.key,
          'a step is a one-key map `stepName: {option: value}`',
        );
        continue;
      }
      const keys = this.entries(step, entry.key);
      if (keys.length !== 1) {
        this.issues.add(
          this.line(step),
          keys.map((k) => k.key).join(','),
          `a step is a one-key map \`stepName: {option: value}\`; found keys ${listOf(keys.map((k) => k.key))} (are the options indented under the step name?)`,
        );
        continue;
      }
      const [only] = keys as [Entry];
      const result: StepSpec = { line: only.line, type: only.key, options: nameTable() };
      const options = only.value;
      if (options && isMap(options)) {
        for (const option of this.entries(options, only.key)) {
          result.options[option.key] = {
            ...this.value(option.value, `${only.key}.${option.key}`, option.line),
            line: option.line,
          };
        }
      } else if (options && !(isScalar(options) && scalarText(options) === '')) {
        this.issues.add(only.line, only.key, 'the options of a step are a map `option: value`');
      }
      steps.push(result);
    }
    return steps;
  }

  /** scalar → scalar; list of texts → list; list of one-key maps → entries; map → map. */
  private value(raw: YNode | undefined, path: string, line: number): RawValue {
    const node = raw;
    if (!node || isScalar(node)) return { kind: 'scalar', text: node ? scalarText(node) : '' };
    if (isMap(node)) {
      const children = nameTable<RawValue & Located>();
      for (const child of this.entries(node, path)) {
        children[child.key] = { ...this.value(child.value, `${path}.${child.key}`, child.line), line: child.line };
      }
      return { kind: 'map', children };
    }
    const items = node.items.map((item) => this.resolve(item));
    if (items.every((item) => !item || isScalar(item))) {
      return { kind: 'list', items: items.map((item) => (item ? scalarText(item as Scalar) : '')) };
    }
    if (items.every((item) => item && isMap(item))) {
      const entries = (items as YAMLMap[]).map((item) => this.entry(item, path)).filter((e) => e !== undefined);
      return { kind: 'entries', entries };
    }
    this.issues.add(line, path, 'a list holds either texts only or one-key maps only');
    return { kind: 'list', items: [] };
  }

  /** One entry of a list of one-key maps: `- name: text` or `- name: {attribute: value, text: …}`. */
  private entry(
    map: YAMLMap,
    path: string,
  ): (Located & { name: string; attributes: Record<string, string>; text: string }) | undefined {
    const keys = this.entries(map, path);
    const line = this.line(map);
    if (keys.length !== 1) {
      this.issues.add(
        line,
        path,
        `an entry is a one-key map \`name: text\` or \`name: {attribute: value, text: …}\`; found keys ${listOf(keys.map((k) => k.key))}`,
      );
      return undefined;
    }
    const [only] = keys as [Entry];
    const result = { line: only.line, name: only.key, attributes: nameTable<string>(), text: '' };
    const value = only.value;
    if (!value || isScalar(value)) result.text = value ? scalarText(value) : '';
    else if (isMap(value)) {
      for (const attribute of this.entries(value, `${path}.${only.key}`)) {
        const text = this.scalar(attribute, 'a text', `${path}.${only.key}.${attribute.key}`);
        if (text === undefined) continue;
        if (attribute.key === 'text') result.text = text;
        else result.attributes[attribute.key] = text;
      }
    } else
      this.issues.add(only.line, `${path}.${only.key}`, 'an entry holds a text or a map of attributes, not a list');
    return result;
  }

  /** `templates`: `{1: "text {0}"}`, or a list of `{id, text}`, or the generic entries. */
  private templates(parameter: Entry): RawValue {
    const node = parameter.value;
    const path = `parameters.${TEMPLATES_PARAMETER}`;
    if (node && isMap(node)) {
      const entries = this.entries(node, path).flatMap((template) => {
        const text = this.scalar(template, 'the template text', `${path}.${template.key}`);
        return text === undefined
          ? []
          : [{ line: template.line, name: TEMPLATE_ENTRY, attributes: idAttribute(template.key), text }];
      });
      return { kind: 'entries', entries };
    }
    if (node && isSeq(node)) {
      const items = node.items.map((item) => this.resolve(item));
      if (items.length > 0 && items.every((item) => item && isMap(item))) {
        const entries = (items as YAMLMap[]).flatMap((item) => {
          const keys = this.entries(item, path);
          if (keys.length === 0 || !keys.every((k) => k.key === 'id' || k.key === 'text')) {
            const generic = this.entry(item, path);
            return generic ? [generic] : [];
          }
          const line = this.line(item);
          const id = keys.find((k) => k.key === 'id');
          const textKey = keys.find((k) => k.key === 'text');
          const idText = id && this.scalar(id, 'the template id', `${path}.id`);
          const text = textKey ? this.scalar(textKey, 'the template text', `${path}.text`) : '';
          if (!id) this.issues.add(line, path, 'a template needs an `id`');
          if (!idText || text === undefined) return [];
          return [{ line, name: TEMPLATE_ENTRY, attributes: idAttribute(idText), text }];
        });
        return { kind: 'entries', entries };
      }
    }
    return this.value(node, path, parameter.line);
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** The pairs of a map, with keys as text; non-text and repeated keys are issues. */
  private entries(map: YAMLMap, where: string): Entry[] {
    const entries: Entry[] = [];
    const seen = new Map<string, number>();
    for (const pair of map.items) {
      const keyNode = this.resolve(pair.key);
      const keyLine = keyNode ? this.line(keyNode) : this.line(map);
      if (!keyNode || !isScalar(keyNode)) {
        this.issues.add(keyLine, where, 'keys must be plain names, not lists or maps');
        continue;
      }
      const key = scalarText(keyNode);
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        this.issues.add(keyLine, key, `duplicate key in ${where} (first at line ${earlier})`);
        continue;
      }
      seen.set(key, keyLine);
      entries.push({ key, line: keyLine, value: this.resolve(pair.value) });
    }
    return entries;
  }

  /** The text of a scalar entry, or an issue (and undefined) when it is a list or a map. */
  private scalar(entry: Entry, expected: string, path = entry.key): string | undefined {
    const node = entry.value;
    if (!node) return '';
    if (isScalar(node)) return scalarText(node);
    this.issues.add(entry.line, path, `expects ${expected}, found a ${isSeq(node) ? 'list' : 'map'}`);
    return undefined;
  }

  private kindIssue(entry: Entry, expected: string): void {
    const node = entry.value;
    const found = !node ? 'nothing' : isScalar(node) ? 'a text' : isSeq(node) ? 'a list' : 'a map';
    this.issues.add(entry.line, entry.key, `expects ${expected}, found ${found}`);
  }

  private resolve(node: unknown): YNode | undefined {
    if (node === null || node === undefined) return undefined;
    if (isAlias(node)) return this.aliasTargets.get(node);
    if (isScalar(node) || isMap(node) || isSeq(node)) return node;
    return undefined;
  }

  private line(node: YNode): number {
    const offset = node.range?.[0];
    return offset === undefined ? 1 : this.lineCounter.linePos(offset).line;
  }
}

/** Scalars keep their text: the failsafe schema resolves every scalar to a string. */
function scalarText(node: Scalar): string {
  const value = node.value;
  return value === null || value === undefined ? '' : String(value);
}

/** The attributes of a `<template id>` entry, as a name table like every other. */
function idAttribute(id: string): Record<string, string> {
  const attributes = nameTable<string>();
  attributes['id'] = id;
  return attributes;
}
