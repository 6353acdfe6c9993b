import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Alias,
  type Document,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { TEMPLATE_LIMITS } from './limits.js';

export type YNode = Scalar | YAMLMap | YAMLSeq;

export type YamlSurvey =
  | { ok: true; /** What each alias stands for. */ targets: Map<Alias, YNode> }
  | {
      ok: false;
      /** Why the document is refused, and the node at fault. */ problem: 'nodes' | 'expansion' | 'circular';
      at: Alias | YNode;
    };

interface Frame {
  node: YNode;
  children: unknown[];
  next: number;
  /** Nodes of this subtree so far, aliases expanded. */
  size: number;
}

/**
 * One iterative pass over a composed YAML document, in document order, before the reader
 * walks it: resolves every alias to the last node anchored before it (YAML's rule), refuses an
 * alias inside the node it names (a cycle), and counts the nodes the reader would visit with
 * every alias expanded, stopping as soon as that passes the bound ("billion laughs"). Nodes are
 * counted as the lexer counts them (parseYamlSource): scalars and flow lists and maps; a block
 * list or map is its lines, not a node of its own.
 * `onScalar` sees every scalar once (keys included).
 */
export function surveyYamlDocument(doc: Document, onScalar: (scalar: Scalar) => void): YamlSurvey {
  const anchors = new Map<string, YNode>();
  const targets = new Map<Alias, YNode>();
  /** Finished nodes' sizes; an anchored node missing here is still open (an ancestor). */
  const sizes = new Map<YNode, number>();
  const stack: Frame[] = [];
  let failure: YamlSurvey | undefined;

  /** The size of a leaf (or alias); undefined when a collection was opened instead. */
  const enter = (node: unknown): number | undefined => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) return 0; // an unknown anchor is a syntax error, reported by the parser
      targets.set(node, target);
      const size = sizes.get(target);
      if (size === undefined) failure = { ok: false, problem: 'circular', at: node };
      return size ?? 0;
    }
    if (isScalar(node)) {
      if (node.anchor) anchors.set(node.anchor, node);
      sizes.set(node, 1);
      onScalar(node);
      return 1;
    }
    if (isMap(node) || isSeq(node)) {
      if (node.anchor) anchors.set(node.anchor, node);
      const children = isMap(node) ? node.items.flatMap((pair) => [pair.key, pair.value]) : node.items;
      stack.push({ node, children, next: 0, size: node.flow ? 1 : 0 });
      return undefined;
    }
    return 0;
  };

  enter(doc.contents);
  while (stack.length > 0 && !failure) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.children.length) {
      top.size += enter(top.children[top.next++]) ?? 0;
    } else {
      stack.pop();
      sizes.set(top.node, top.size);
      if (stack.length > 0) stack[stack.length - 1]!.size += top.size;
    }
    // A subtree's count only grows its ancestors': once past the bound, the document is.
    if (top.size > TEMPLATE_LIMITS.maxNodes)
      failure = { ok: false, problem: targets.size > 0 ? 'expansion' : 'nodes', at: top.node };
  }
  return failure ?? { ok: true, targets };
}
