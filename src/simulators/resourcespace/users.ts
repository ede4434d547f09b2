/**
 * RS users and their permission letters, as RS checks them (docs/resourcespace-api.md §Permissions). The
 * groups are RS's own defaults from a fresh install: "Administrators" has no `a` (system setup) — the
 * least-privilege account a museum gives an integration — while "Super Admin" has everything.
 * `checkperm` is an exact match on a letter; field access combines `f*`/`f<ref>`/`f-<ref>` (view) and
 * `F*`/`F<ref>`/`F-<ref>` (edit denied), workflow states need `e<state>` to edit.
 */
export const rsGroups = {
  administrators: 's,g,c,t,h,r,u,i,e-2,e-1,e0,e1,e3,v,o,m,q,f*,j*,k,R,Ra,Rb,x,hdta,lm,cm',
  superAdmin: 's,g,c,a,t,h,hdt_ug,u,r,i,e-2,e-1,e0,e1,e2,e3,o,m,g,v,q,f*,j*,k,R,Ra,x,ex'
} as const

export interface RsUserInit {
  name: string
  /** The private API key. */
  key: string
  /** Permission letters, comma-separated as RS stores them (default: the Administrators group). */
  permissions?: string
}

export class RsUser {
  readonly name: string
  readonly key: string
  readonly #perms: Set<string>

  constructor (init: RsUserInit) {
    this.name = init.name
    this.key = init.key
    this.#perms = new Set((init.permissions ?? rsGroups.administrators).split(',').map(p => p.trim()).filter(p => p !== ''))
  }

  /** RS `checkperm`: the exact letter is held. */
  checkperm (perm: string): boolean {
    return this.#perms.has(perm)
  }

  /** RS `metadata_field_view_access`. */
  mayView (field: number): boolean {
    return (this.checkperm('f*') || this.checkperm(`f${field}`)) && !this.checkperm(`f-${field}`)
  }

  /** RS `metadata_field_edit_access`. */
  mayEditField (field: number): boolean {
    return (!this.checkperm('F*') || this.checkperm(`F-${field}`)) && !this.checkperm(`F${field}`)
  }

  /** RS `get_edit_access` for a resource in a workflow state (no edit filters simulated). */
  mayEditIn (archive: number): boolean {
    return this.checkperm(`e${archive}`)
  }
}
