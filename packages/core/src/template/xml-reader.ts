import { SaxesParser } from 'saxes';
import type {
  ColumnSpec,
  ExportConfig,
  ExportDefinition,
  Located,
  ParameterSpec,
  ProviderSpec,
  RawValue,
  ScheduleSpec,
  StepSpec,
} from './model.js';
import { IssueList, LineTable, listOf } from './issues.js';
import { checkTemplateText, formatCount, TEMPLATE_LIMITS } from './limits.js';
import { nameTable, nameTableOf } from './name-table.js';
import { DEFAULT_SCHEDULE_TIME_ZONE, scheduleProblem } from './schedule.js';
import {
  SCHEDULE_KEYS,
  TEMPLATE_SCHEDULE_KEY,
  XML_EXPORT_ATTRIBUTES,
  XML_EXPORT_CHILDREN,
  XML_EXPORT_CONFIG_CHILDREN,
  XML_PROVIDER_CHILDREN,
  XML_ROOTS,
  type StepSection,
} from './names.js';

/** A parsed XML element: the little of XML that templates use. */
interface XElement {
  name: string;
  /** 1-based line of the `<` that opens the element. */
  line: number;
  attributes: Array<[string, string]>;
  children: XElement[];
  /** Concatenated text and CDATA, untrimmed. */
  text: string;
}

const DTD_MESSAGE = 'DTDs and entity declarations are not allowed';

/**
 * Reads an XML template (`<export-config>` with one or more `<export>`, or a `<providers>`
 * root holding one export) into the typed model. Every problem is collected; when there is any,
 * one TemplateError carrying all of them is thrown.
 */
export function readXmlTemplate(text: string, file: string): ExportConfig {
  checkTemplateText(text, file);
  const issues = new IssueList(file);
  const root = parseXml(text, issues);
  if (!root) {
    issues.throwIfAny();
    throw new Error('unreachable: XML parse failed without an issue');
  }
  const reader = new XmlTemplateReader(issues);
  const exports = reader.root(root);
  issues.throwIfAny();
  return reader.schedule
    ? { file, format: 'xml', exports, schedule: reader.schedule }
    : { file, format: 'xml', exports };
}

/**
 * Parses with saxes (strict, no DTD, only the predefined entities and char refs). Parsing stops
 * at the first element beyond the depth or node bound, so the tree (and the reader's walk over
 * it, which recurses into values) stays small.
 */
function parseXml(source: string, issues: IssueList): XElement | undefined {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const lines = new LineTable(text);
  const parser = new SaxesParser({ position: true });
  const abort = new Error('abort');
  const stack: XElement[] = [];
  let root: XElement | undefined;
  let tagLine = 1;
  let nodes = 0;

  parser.on('opentagstart', (tag) => {
    // saxes reports the position after the name; the element starts at its `<`.
    const at = text.lastIndexOf('<' + tag.name, parser.position);
    tagLine = at >= 0 ? lines.lineAt(at) : parser.line;
  });
  parser.on('opentag', (tag) => {
    const attributes = Object.entries(tag.attributes as Record<string, string>);
    if (stack.length >= TEMPLATE_LIMITS.maxDepth) {
      issues.add(
        tagLine,
        tag.name,
        `is nested ${stack.length + 1} elements deep; a template nests at most ${TEMPLATE_LIMITS.maxDepth}`,
      );
      throw abort;
    }
    nodes += 1 + attributes.length;
    if (nodes > TEMPLATE_LIMITS.maxNodes) {
      issues.add(
        tagLine,
        tag.name,
        `the template holds more than ${formatCount(TEMPLATE_LIMITS.maxNodes)} elements and attributes; that is the most a template may hold`,
      );
      throw abort;
    }
    const element: XElement = { name: tag.name, line: tagLine, attributes, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const onText = (chunk: string) => {
    const current = stack[stack.length - 1];
    if (current) current.text += chunk;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('doctype', () => {
    const at = text.lastIndexOf('<!DOCTYPE', parser.position);
    issues.add(at >= 0 ? lines.lineAt(at) : parser.line, '!DOCTYPE', DTD_MESSAGE);
    throw abort;
  });
  parser.on('error', (error) => {
    const message = error.message.replace(/^\d+:\d+: /, '').replace(/\.$/, '');
    const declaration = text.lastIndexOf('<!', parser.position);
    if (
      declaration >= 0 &&
      /^<!(ENTITY|DOCTYPE|ELEMENT|ATTLIST|NOTATION)\b/.test(text.slice(declaration, declaration + 12))
    ) {
      issues.add(lines.lineAt(declaration), text.slice(declaration + 1).match(/^![A-Z]+/)![0], DTD_MESSAGE);
    } else {
      issues.add(parser.line, undefined, `malformed XML: ${message} (column ${parser.column})`);
    }
    throw abort;
  });

  try {
    parser.write(text).close();
  } catch (error) {
    if (error !== abort) throw error;
    return undefined;
  }
  return root;
}

function isNamespaceAttribute(name: string): boolean {
  return name === 'xmlns' || name.startsWith('xmlns:') || name.startsWith('xsi:');
}

function hasText(element: XElement): boolean {
  return element.text.trim() !== '';
}

/** Walks the parsed tree into the model, adding an issue for every structural problem. */
class XmlTemplateReader {
  /** The template's `<schedule>`, once root() has read it. */
  schedule: ScheduleSpec | undefined;

  constructor(private readonly issues: IssueList) {}

  root(root: XElement): ExportDefinition[] {
    if (root.name === 'export-config') {
      this.noAttributes(root, true);
      this.noText(root);
      const exports: ExportDefinition[] = [];
      let scheduleSeen = false;
      for (const child of root.children) {
        if (child.name === 'export') exports.push(this.export(child));
        else if (child.name === TEMPLATE_SCHEDULE_KEY) {
          if (scheduleSeen) this.issues.add(child.line, child.name, 'appears twice in <export-config>; give it once');
          else this.schedule = this.scheduleOf(child);
          scheduleSeen = true;
        } else this.issues.unknown(child.line, child.name, 'element', '<export-config>', XML_EXPORT_CONFIG_CHILDREN);
      }
      if (exports.length === 0 && root.children.every((child) => child.name === TEMPLATE_SCHEDULE_KEY)) {
        this.issues.add(root.line, 'export-config', 'holds no <export>');
      }
      return exports;
    }
    if (root.name === 'providers') {
      const provider = this.providers(root);
      const definition: ExportDefinition = {
        line: root.line,
        plugins: [],
        provider: provider ?? placeholderProvider(root.line),
        actions: [],
        consolidators: [],
        postProcess: [],
      };
      return [definition];
    }
    this.issues.unknown(root.line, root.name, 'root element', 'the document', XML_ROOTS);
    return [];
  }

  private export(element: XElement): ExportDefinition {
    const definition: ExportDefinition = {
      line: element.line,
      plugins: [],
      provider: placeholderProvider(element.line),
      actions: [],
      consolidators: [],
      postProcess: [],
    };
    for (const [name, value] of element.attributes) {
      if (name === 'guid') definition.guid = value;
      else if (name === 'name') definition.name = value;
      else if (!isNamespaceAttribute(name)) {
        this.issues.unknown(element.line, name, 'attribute', '<export>', XML_EXPORT_ATTRIBUTES);
      }
    }
    this.noText(element);
    const seen = new Set<string>();
    let provider: ProviderSpec | undefined;
    for (const child of element.children) {
      if (!(XML_EXPORT_CHILDREN as readonly string[]).includes(child.name)) {
        this.issues.unknown(child.line, child.name, 'element', '<export>', XML_EXPORT_CHILDREN);
        continue;
      }
      if (seen.has(child.name)) {
        this.issues.add(child.line, child.name, `appears twice in <export>; give it once`);
        continue;
      }
      seen.add(child.name);
      switch (child.name) {
        case 'plugins':
          definition.plugins = this.plugins(child);
          break;
        case 'providers':
          provider = this.providers(child);
          break;
        default:
          definition[child.name as StepSection] = this.steps(child);
      }
    }
    if (provider) definition.provider = provider;
    else if (!seen.has('providers')) {
      this.issues.add(element.line, 'export', 'has no <providers> element; an export needs exactly one provider');
    }
    return definition;
  }

  /** `<schedule cron="0 2 * * *" timeZone="Europe/Paris"/>` (timeZone defaults to UTC). */
  private scheduleOf(element: XElement): ScheduleSpec | undefined {
    this.noText(element);
    if (element.children.length > 0)
      this.issues.add(element.line, element.name, 'holds no element; give cron and timeZone as attributes');
    let cron: string | undefined;
    let timeZone = DEFAULT_SCHEDULE_TIME_ZONE;
    for (const [name, value] of element.attributes) {
      if (name === 'cron') cron = value;
      else if (name === 'timeZone') timeZone = value;
      else this.issues.unknown(element.line, name, 'attribute', '<schedule>', SCHEDULE_KEYS);
    }
    if (cron === undefined) {
      this.issues.add(element.line, element.name, 'has no cron attribute; write e.g. cron="0 2 * * *"');
      return undefined;
    }
    const problem = scheduleProblem(cron, timeZone);
    if (problem) {
      this.issues.add(element.line, element.name, problem);
      return undefined;
    }
    return { line: element.line, cron, timeZone };
  }

  private plugins(element: XElement): Array<Located & { specifier: string }> {
    this.noAttributes(element);
    this.noText(element);
    const plugins: Array<Located & { specifier: string }> = [];
    for (const child of element.children) {
      if (child.name !== 'plugin') {
        this.issues.unknown(child.line, child.name, 'element', '<plugins>', ['plugin']);
        continue;
      }
      this.noAttributes(child);
      this.noChildren(child, 'a plugin holds its package name or path as text');
      const specifier = child.text.trim();
      if (specifier === '')
        this.issues.add(child.line, 'plugin', 'is empty; write the package name or path of the plugin');
      else plugins.push({ line: child.line, specifier });
    }
    return plugins;
  }

  /** The one provider of `<providers>`. */
  private providers(element: XElement): ProviderSpec | undefined {
    this.noAttributes(element, true);
    this.noText(element);
    const [first, ...others] = element.children;
    if (!first) {
      this.issues.add(element.line, 'providers', 'holds no provider; an export needs exactly one provider');
      return undefined;
    }
    for (const other of others) {
      this.issues.add(
        other.line,
        other.name,
        `second provider in <providers> (the first is <${first.name}> at line ${first.line}); an export has exactly one provider`,
      );
    }
    return this.provider(first);
  }

  private provider(element: XElement): ProviderSpec {
    this.noAttributes(element);
    this.noText(element);
    const provider: ProviderSpec = { line: element.line, name: element.name, columns: [], parameters: [] };
    const seen = new Set<string>();
    for (const child of element.children) {
      if (!(XML_PROVIDER_CHILDREN as readonly string[]).includes(child.name)) {
        this.issues.unknown(child.line, child.name, 'element', `<${element.name}>`, XML_PROVIDER_CHILDREN);
        continue;
      }
      if (seen.has(child.name)) {
        this.issues.add(child.line, child.name, `appears twice in <${element.name}>; give it once`);
        continue;
      }
      seen.add(child.name);
      if (child.name === 'columns') provider.columns = this.columns(child);
      else provider.parameters = this.parameters(child);
    }
    return provider;
  }

  private columns(element: XElement): ColumnSpec[] {
    this.noAttributes(element);
    this.noText(element);
    return element.children.map((child) => {
      const column: ColumnSpec = { line: child.line, name: child.name, attributes: nameTable() };
      for (const [name, value] of child.attributes) {
        if (name === 'label') column.label = value;
        else column.attributes[name] = value;
      }
      this.noChildren(child, 'a column holds at most a text value');
      const value = child.text.trim();
      if (value !== '') column.value = value;
      return column;
    });
  }

  private parameters(element: XElement): ParameterSpec[] {
    this.noAttributes(element);
    this.noText(element);
    const parameters: ParameterSpec[] = [];
    const seen = new Map<string, number>();
    for (const child of element.children) {
      const earlier = seen.get(child.name);
      if (earlier !== undefined) {
        this.issues.add(child.line, child.name, `parameter given twice (first at line ${earlier})`);
        continue;
      }
      seen.set(child.name, child.line);
      parameters.push({ line: child.line, name: child.name, value: this.value(child) });
    }
    return parameters;
  }

  private steps(element: XElement): StepSpec[] {
    this.noAttributes(element);
    this.noText(element);
    return element.children.map((child) => {
      const step: StepSpec = { line: child.line, type: child.name, options: nameTable() };
      if (hasText(child)) {
        this.issues.add(child.line, child.name, 'a step holds options (attributes or child elements), not text');
      }
      this.mapInto(step.options, child);
      return step;
    });
  }

  /**
   * The raw value of a parameter or option element:
   * text only → scalar; attributes and/or distinct child elements without attributes → map;
   * repeated child elements or children with attributes → entries.
   */
  private value(element: XElement): RawValue {
    const attributes = element.attributes.filter(([name]) => !isNamespaceAttribute(name));
    if (element.children.length === 0 && attributes.length === 0) {
      return { kind: 'scalar', text: element.text.trim() };
    }
    if (hasText(element)) {
      this.issues.add(
        element.line,
        element.name,
        element.children.length > 0
          ? 'mixes text and child elements; give either a text or child elements'
          : 'has both attributes and text; give either a text or attributes',
      );
    }
    if (isEntries(element.children)) {
      if (attributes.length > 0) {
        this.issues.add(
          element.line,
          element.name,
          'has attributes and repeated child elements; move the attributes to child elements',
        );
      }
      return {
        kind: 'entries',
        entries: element.children.map((child) => {
          this.noChildren(child, `an entry of <${element.name}> holds attributes and text only`);
          return {
            line: child.line,
            name: child.name,
            attributes: nameTableOf(child.attributes),
            text: child.text.trim(),
          };
        }),
      };
    }
    const children = nameTable<RawValue & Located>();
    this.mapInto(children, element);
    return { kind: 'map', children };
  }

  /** Attributes and child elements of `element` as named values (step options, map values). */
  private mapInto(target: Record<string, RawValue & Located>, element: XElement): void {
    const lines = new Map<string, number>();
    const put = (name: string, line: number, value: RawValue) => {
      const earlier = lines.get(name);
      if (earlier !== undefined) {
        this.issues.add(
          line,
          name,
          `given twice in <${element.name}> (first at line ${earlier}); repeated elements must be wrapped in a parent element`,
        );
        return;
      }
      lines.set(name, line);
      target[name] = { ...value, line };
    };
    for (const [name, text] of element.attributes) {
      if (!isNamespaceAttribute(name)) put(name, element.line, { kind: 'scalar', text });
    }
    for (const child of element.children) put(child.name, child.line, this.value(child));
  }

  private noAttributes(element: XElement, allowNamespaces = false): void {
    for (const [name] of element.attributes) {
      if (allowNamespaces && isNamespaceAttribute(name)) continue;
      this.issues.add(element.line, element.name, `takes no attribute (found ${name}="…")`);
    }
  }

  private noText(element: XElement): void {
    if (hasText(element)) {
      const snippet = element.text.trim().replace(/\s+/g, ' ');
      this.issues.add(
        element.line,
        element.name,
        `holds unexpected text "${snippet.length > 30 ? snippet.slice(0, 30) + '…' : snippet}"`,
      );
    }
  }

  private noChildren(element: XElement, why: string): void {
    if (element.children.length > 0) {
      const names = [...new Set(element.children.map((c) => `<${c.name}>`))];
      this.issues.add(element.children[0]!.line, element.name, `has child elements ${listOf(names)}; ${why}`);
    }
  }
}

/** Children read as entries when a name repeats or any child has attributes. */
function isEntries(children: XElement[]): boolean {
  const names = new Set<string>();
  for (const child of children) {
    if (names.has(child.name) || child.attributes.some(([name]) => !isNamespaceAttribute(name))) return true;
    names.add(child.name);
  }
  return false;
}

/** Stands in for a missing provider (an issue is always reported with it). */
function placeholderProvider(line: number): ProviderSpec {
  return { line, name: '', columns: [], parameters: [] };
}
