/**
 * Values at a path in a parsed CollectionSpace record, as the field mapping addresses them:
 * `collectionobjects_common/titleGroupList/titleGroup/title`. The first segment is the schema part,
 * the rest are element local names (namespace prefixes never matter). Every repeated element on the
 * way is followed, so two makers give two values, in document order.
 */
import { children, isElement, textOf, type XmlElement, type XmlValue } from './xml.js'
import { displayName } from './refname.js'

/** The elements at `path` (text leaves or groups such as a structured date), in document order. */
export function nodesAt (doc: unknown, path: string): XmlValue[] {
  const [part, ...fields] = path.split('/').filter((segment) => segment !== '')
  if (part === undefined || !isElement(doc)) return []
  let nodes: XmlValue[] = children(documentOf(doc, part), part)
  for (const field of fields) nodes = nodes.flatMap((node) => children(node, field))
  return nodes
}

/** The text values at `path`, as stored (refNames stay refNames), empty ones included. */
export function rawValuesAt (doc: unknown, path: string): string[] {
  return nodesAt(doc, path).map(textOf).filter((text): text is string => text !== undefined)
}

/** The values people should see at `path`: refNames turned into display names, empty values dropped. */
export function valuesAt (doc: unknown, path: string): string[] {
  return rawValuesAt(doc, path)
    .map(displayName)
    .filter((value) => value.trim() !== '')
}

/** Accepts the parsed tree (`{ document: {...} }`) as well as the `document` element itself. */
function documentOf (doc: XmlElement, part: string): XmlElement {
  const inner = doc.document
  return part in doc || !isElement(inner) ? doc : inner
}
