/*
 * XML 1.0 (fifth edition) NameStartChar and NameChar, without the colon (reserved for
 * namespaces). Headers are turned into element names one character at a time, so two
 * headers differing only in invalid characters map to the same name and are then told apart
 * by uniqueNames.
 */
const NAME_START =
  'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D' +
  '\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
// The combining marks come first: after another character they would read as one combined character.
const NAME_CHAR = '\\u0300-\\u036F' + NAME_START + '\\-.0-9\\u00B7\\u203F-\\u2040';
const NOT_NAME_CHAR = new RegExp(`[^${NAME_CHAR}]`, 'gu');
const NAME_START_CHAR = new RegExp(`^[${NAME_START}]`, 'u');

/**
 * An XML element name for a column header:
 * - every character that may not appear in a name (space, punctuation, `:`...) becomes `_`;
 * - a name that does not start with a letter or `_` (a digit, `-`, `.`), or that starts
 *   with `xml` in any case (reserved), gets a leading `_`;
 * - an empty header becomes `_`.
 * Duplicates are resolved afterwards by uniqueNames (`Name`, `Name_2`, ...).
 */
export function toXmlName(header: string): string {
  let name = header.replace(NOT_NAME_CHAR, '_');
  if (name === '') return '_';
  if (!NAME_START_CHAR.test(name) || name.toLowerCase().startsWith('xml')) name = '_' + name;
  return name;
}
