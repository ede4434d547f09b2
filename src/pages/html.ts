/**
 * HTML that escapes by construction: `html` is a tagged template whose every interpolated value is
 * escaped unless it is itself `html` (a `SafeHtml`). A page built only from `html` cannot show an RS
 * title, a CS record or a query parameter as markup, whatever it contains; the one way around it,
 * `trusted`, is for constant text written in this repository (the stylesheet).
 */

export class SafeHtml {
  constructor (readonly text: string) {}
  toString (): string {
    return this.text
  }
}

/** What may be interpolated: markup already made safe, plain values (escaped), lists of either, or nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[]

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for element content and for quoted attribute values alike. */
export function escapeHtml (value: unknown): string {
  return String(value).replace(/[&<>"']/g, c => entities[c] as string)
}

function render (value: HtmlValue): string {
  if (value === null || value === undefined || value === false || value === true) return ''
  if (value instanceof SafeHtml) return value.text
  if (Array.isArray(value)) return value.map(render).join('')
  return escapeHtml(value)
}

export function html (strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? ''
  values.forEach((value, i) => { out += render(value) + (strings[i + 1] ?? '') })
  return new SafeHtml(out)
}

/** Constant markup from this repository, never data. */
export function trusted (text: string): SafeHtml {
  return new SafeHtml(text)
}
