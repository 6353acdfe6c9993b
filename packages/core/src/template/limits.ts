import { TemplateError } from '../errors/template-error.js';

/**
 * The bounds that keep reading a template — and refusing a hostile one — cheap in time and
 * memory (docs/templates.md, "Bounds"). Real templates are a few kilobytes and a handful of
 * levels deep; these leave them far behind while keeping the worst case (parse, read and
 * validate) within a fraction of a second.
 */
export const TEMPLATE_LIMITS = Object.freeze({
  /** Bytes of a template (the file, or the UTF-8 form of a text); checked before anything is parsed. */
  maxBytes: 1024 * 1024,
  /** Elements nested in elements (XML), lists and maps nested in lists and maps (YAML). */
  maxDepth: 32,
  /**
   * Nodes: XML elements and attributes; YAML keys, values and list items (scalars, aliases, flow
   * lists and maps), an alias counting what it stands for again at each use.
   */
  maxNodes: 10_000,
  /** YAML: tokens of the source (a scalar, an indicator such as `-` `:` `,` `[`, a run of spaces, a comment, a line end). */
  maxYamlTokens: 50_000,
  /** YAML aliases (`*name`) written in a template. */
  maxYamlAliases: 100,
});

/**
 * `1048576` → `1,048,576`: bounds and counts in messages, whatever the locale. Not
 * toLocaleString: a message built at import would load ICU's number formatting at every start-up.
 */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * The rules on the raw text, before a parser sees it: the size bound, and no NUL character
 * (U+0000 is not text; neither XML nor YAML allows it, and no value may carry one).
 */
export function checkTemplateText(text: string, file: string): void {
  // A UTF-16 code unit is never more than its UTF-8 bytes, so a long text is refused without encoding it.
  const bytes = text.length > TEMPLATE_LIMITS.maxBytes ? text.length : Buffer.byteLength(text, 'utf8');
  if (bytes > TEMPLATE_LIMITS.maxBytes)
    throw oversized(file, text.length > TEMPLATE_LIMITS.maxBytes ? undefined : bytes);
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    let line = 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < nul; i = text.indexOf('\n', i + 1)) line++;
    throw new TemplateError([{ file, line, message: NUL_MESSAGE }]);
  }
}

export const NUL_MESSAGE = 'holds a NUL character (U+0000); a template is text and no value may contain one';

/** The size-bound refusal; `bytes` when known. */
export function oversized(file: string, bytes?: number): TemplateError {
  const size =
    bytes === undefined ? `more than ${formatCount(TEMPLATE_LIMITS.maxBytes)} bytes` : `${formatCount(bytes)} bytes`;
  return new TemplateError([
    {
      file,
      message: `the template is ${size}; a template is at most ${formatCount(TEMPLATE_LIMITS.maxBytes)} bytes (1 MiB)`,
    },
  ]);
}
