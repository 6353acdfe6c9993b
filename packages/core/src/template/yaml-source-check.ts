import { CST, Lexer, Parser, type LineCounter } from 'yaml';
import type { IssueList, LineTable } from './issues.js';
import { formatCount, TEMPLATE_LIMITS } from './limits.js';

export const TOO_MANY_YAML_NODES = `the template holds more than ${formatCount(TEMPLATE_LIMITS.maxNodes)} keys, values and list items; that is the most a template may hold`;

/** Tokens that are a node of the document: a scalar, an alias, the start of a flow list or map. */
const NODE_TOKENS = new Set<string>([
  'scalar',
  'single-quoted-scalar',
  'double-quoted-scalar',
  'alias',
  'flow-map-start',
  'flow-seq-start',
]);

/** Lexer markers that stand for no source text. */
const MARKERS = new Set([CST.DOCUMENT, CST.FLOW_END]);

/**
 * Lexes and parses a YAML template in one pass, checking each token as the parser takes it:
 * parsing stops at once when the template holds too many tokens, nodes or aliases (the parser
 * costs about a microsecond per token, so a hostile template is never parsed whole), and every
 * tag is reported. Then the depth is checked on the syntax tree. Returns the tree when the
 * template may be composed, undefined when it is refused.
 */
export function parseYamlSource(
  text: string,
  lineCounter: LineCounter,
  lines: LineTable,
  issues: IssueList,
): CstToken[] | undefined {
  const parser = new Parser(lineCounter.addNewLine);
  const tree: CstToken[] = [];
  lineCounter.addNewLine(0); // what Parser.parse() does first
  let offset = 0;
  let tokens = 0;
  let nodes = 0;
  let aliases = 0;
  let plainScalarNext = false;
  for (const token of new Lexer().lex(text)) {
    for (const parsed of parser.next(token)) tree.push(parsed);
    if (MARKERS.has(token)) continue;
    if (token === CST.SCALAR) {
      plainScalarNext = true;
      continue;
    }
    const at = offset;
    offset += token.length;
    const type = plainScalarNext ? 'scalar' : CST.tokenType(token);
    plainScalarNext = false;
    if (++tokens > TEMPLATE_LIMITS.maxYamlTokens) {
      issues.add(
        lines.lineAt(at),
        undefined,
        `the template holds more than ${formatCount(TEMPLATE_LIMITS.maxYamlTokens)} YAML tokens; that is the most a template may hold`,
      );
      return undefined;
    }
    if (type === 'tag') {
      issues.add(
        lines.lineAt(at),
        undefined,
        `YAML tags (${token}) are not used in templates; write the value without it`,
      );
      continue;
    }
    if (type === 'alias' && ++aliases > TEMPLATE_LIMITS.maxYamlAliases) {
      issues.add(
        lines.lineAt(at),
        token,
        `too many aliases (more than ${TEMPLATE_LIMITS.maxYamlAliases}); the template is refused`,
      );
      return undefined;
    }
    if (type !== null && NODE_TOKENS.has(type) && ++nodes > TEMPLATE_LIMITS.maxNodes) {
      issues.add(lines.lineAt(at), undefined, TOO_MANY_YAML_NODES);
      return undefined;
    }
  }
  for (const parsed of parser.end()) tree.push(parsed);
  return checkYamlDepth(tree, lines, issues) ? tree : undefined;
}

type CstToken = CST.Token;

/**
 * Lists and maps nested deeper than the bound, found on the parser's syntax tree (iteratively:
 * the parser does not recurse, but the composer does). Returns whether the template may be composed.
 */
function checkYamlDepth(tokens: readonly CstToken[], lines: LineTable, issues: IssueList): boolean {
  const stack: Array<{ token: CST.Token | null | undefined; depth: number }> = tokens.map((token) => ({
    token,
    depth: 0,
  }));
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (!token) continue;
    if (token.type === 'document') {
      stack.push({ token: token.value, depth });
      continue;
    }
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (depth + 1 > TEMPLATE_LIMITS.maxDepth) {
      issues.add(
        lines.lineAt(token.offset),
        undefined,
        `lists and maps are nested more than ${TEMPLATE_LIMITS.maxDepth} deep; a template nests at most ${TEMPLATE_LIMITS.maxDepth}`,
      );
      return false;
    }
    for (const item of token.items) {
      stack.push({ token: item.key, depth: depth + 1 });
      stack.push({ token: item.value, depth: depth + 1 });
    }
  }
  return true;
}
