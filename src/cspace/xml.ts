/**
 * The one place spacelink reads and writes XML. CollectionSpace speaks "POX" documents
 * (`<document>` with one child per schema part) and lists (`abstract-common-list`,
 * `relations-common-list`); everything that touches them goes through `parseXml` and `buildDocument`.
 *
 * Parsed shape, chosen so no caller ever meets the "a single child is an object, two are an array"
 * pitfall of generic XML-to-JS converters:
 * - the root element is an object (`{ document: {...} }`, `{ 'abstract-common-list': {...} }`);
 * - the root's children are single values (the parts of a document, the header fields of a list),
 *   except `list-item` and `relation-list-item`, which are always arrays;
 * - every element deeper than that is always an array, whatever its name and however many there are,
 *   so `titleGroup`, `briefDescription`, `objectNumber` or a list item's `csid` all read the same way.
 * Text stays text (`00123` is not a number, `1e5` is not 100000), namespace prefixes are dropped
 * (parts and fields are found by local name; prefixes vary between `ns2`, `ns3`, `rel`), attributes are
 * kept as `@_name`, and surrounding whitespace of text values is trimmed (pretty-printed documents).
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser'

/** A parsed element: text, or an object of child elements (`@_x` attributes, `#text` mixed text). */
export type XmlValue = string | XmlElement
export interface XmlElement {
  [name: string]: XmlValue | XmlValue[]
}

/** Elements that sit directly under a list root and repeat. */
const listItemNames = new Set(['list-item', 'relation-list-item'])

const parser = new XMLParser({
  parseTagValue: false,
  parseAttributeValue: false,
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
  // Receive a matcher (with the element's depth) instead of a dotted path: tag names may contain dots.
  jPath: false,
  isArray (name, matcher, _isLeaf, isAttribute) {
    if (isAttribute || typeof matcher === 'string') return false
    const depth = matcher.getDepth()
    return depth >= 3 || (depth === 2 && listItemNames.has(name))
  }
})

/** The text is not well-formed XML. */
export class XmlSyntaxError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'XmlSyntaxError'
  }
}

/**
 * Parses a document or list. Throws `XmlSyntaxError` for text that is not well-formed XML (fast-xml-parser
 * alone silently returns partial trees for broken input, so the text is validated first).
 */
export function parseXml (text: string): XmlElement {
  const valid = XMLValidator.validate(text)
  if (valid !== true) throw new XmlSyntaxError(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`)
  const parsed: unknown = parser.parse(text)
  if (!isElement(parsed) || rootName(parsed) === undefined) throw new XmlSyntaxError('no root element')
  return parsed
}

export function isElement (value: unknown): value is XmlElement {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The local name of the root element of a parsed tree. */
export function rootName (parsed: XmlElement): string | undefined {
  return Object.keys(parsed).find((key) => !key.startsWith('@_') && key !== '#text')
}

/** The root element if its local name is `name` (compared ignoring case, as the CS services do). */
export function rootElement (parsed: XmlElement, name: string): XmlElement | undefined {
  const key = rootName(parsed)
  if (key === undefined || key.toLowerCase() !== name.toLowerCase()) return undefined
  const root = parsed[key]
  // `<document/>` parses to '' — an element without parts.
  return isElement(root) ? root : {}
}

/** Child elements named `name`, always as a list (missing → empty); for a list of elements, of each. */
export function children (node: XmlValue | XmlValue[] | undefined, name: string): XmlValue[] {
  if (Array.isArray(node)) return node.flatMap((element) => children(element, name))
  if (!isElement(node)) return []
  const value = node[name]
  if (value === undefined) return []
  return Array.isArray(value) ? value : [value]
}

/** The text of an element: its content for a leaf, undefined for an element with child elements. */
export function textOf (value: XmlValue | undefined): string | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string') return value
  const text = value['#text']
  if (typeof text === 'string') return text
  return Object.keys(value).every((key) => key.startsWith('@_')) ? '' : undefined
}

/** The text of the first child named `name`. */
export function childText (node: XmlValue | XmlValue[] | undefined, name: string): string | undefined {
  return textOf(children(node, name)[0])
}

/** A schema part of a document: `{ namespace, fields }`; fields nest for groups, arrays repeat. */
export interface DocumentPart {
  namespace: string
  fields: Record<string, unknown>
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  // The builder escapes & < > " ' in text and attribute values: values are never pasted into markup.
  processEntities: true
})

const declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'

/**
 * Builds a CollectionSpace `<document name="…">` with one namespaced element per part. Field values may
 * be strings (numbers and booleans are written as text), arrays (repeated elements), nested objects
 * (groups), `null` (an empty element, which clears the field on PUT) or undefined (left out).
 */
export function buildDocument (name: string, parts: Record<string, DocumentPart>): string {
  const document: Record<string, unknown> = { '@_name': name }
  for (const [partName, part] of Object.entries(parts)) {
    assertElementName(partName)
    document[`ns2:${partName}`] = { '@_xmlns:ns2': part.namespace, ...content(part.fields) as object }
  }
  return buildXml({ document })
}

/**
 * Serialises an already-shaped tree (keys are element names, `@_x` attributes, arrays repeat) with
 * the XML declaration. Used for lists and for documents whose shape is built elsewhere.
 */
export function buildXml (tree: Record<string, unknown>): string {
  return declaration + String(builder.build(tree))
}

/** Converts field values to what the builder writes, checking names and dropping non-XML characters. */
function content (value: unknown): unknown {
  if (value === null) return ''
  if (typeof value === 'string') return xmlText(value)
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(content)
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, child] of Object.entries(value)) {
      if (child === undefined) continue
      assertElementName(key)
      out[key] = content(child)
    }
    return out
  }
  throw new TypeError(`cannot write a ${typeof value} into an XML document`)
}

// Field names come from configuration: a name that is not an XML name would break the markup.
const elementName = /^[A-Za-z_][A-Za-z0-9_.-]*$/

function assertElementName (name: string): void {
  if (!elementName.test(name)) throw new TypeError(`not a valid XML element name: ${JSON.stringify(name)}`)
}

// XML 1.0 cannot carry these characters at all, not even escaped; a document containing one is rejected.
const nonXmlCharacters = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

/** Removes characters XML 1.0 cannot represent (control characters, lone surrogates). */
export function xmlText (value: string): string {
  return value.replace(nonXmlCharacters, '')
}
