/** Absolute links to the things a result talks about: our own resources, the RS resource, the CS record. */
import type { Config } from '../config/schema.js'
import { absoluteUrl } from '../util/url.js'

export function apiUrl (config: Config, path: string): string {
  return absoluteUrl(config.server.publicUrl, path)
}

/** The sign-in page, coming back to `returnTo` (a path of ours, as requested) once signed in. */
export function signInUrl (config: Config, returnTo: string): string {
  return apiUrl(config, `/login?next=${encodeURIComponent(returnTo)}`)
}

/** The RS resource's view page, where the person comes from. */
export function rsResourceUrl (config: Config, rsid: number): string {
  const base = config.resourcespace.baseUrl ?? config.resourcespace.apiUrl.replace(/api\/?$/, '')
  return new URL(`pages/view.php?ref=${rsid}`, base.endsWith('/') ? base : `${base}/`).toString()
}
