/** Content negotiation between people (browsers) and programs. */

/** True when the Accept header ranks HTML above JSON (browsers), false for curl's `*\/*` and JSON clients. */
export function prefersHtml (accept: string | undefined): boolean {
  if (accept === undefined || accept === '') return false
  let best: { type: string, q: number } | undefined
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.trim().toLowerCase().split(';')
    const q = Number(params.find(p => p.trim().startsWith('q='))?.split('=')[1] ?? '1')
    if (!['text/html', 'application/json', 'application/problem+json', 'application/hal+json'].includes(type)) continue
    if (best === undefined || q > best.q) best = { type, q }
  }
  return best?.type === 'text/html'
}
