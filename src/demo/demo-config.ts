/**
 * The configuration of the demo: the sample museum's two CS tenants (art, film) and its RS fields,
 * pointed at the simulators. Built as a config document and loaded through the same validation as a
 * museum's file, so the demo runs exactly the code a real deployment runs.
 */
import { loadConfig } from '../config/load.js'
import type { Config } from '../config/schema.js'

export interface DemoEndpoints {
  rsApiUrl: string
  rsUser: string
  rsKey: string
  csServicesUrl: string
  csUiUrl: string
  port: number
  publicUrl: string
  databaseUrl: string
  adminKey: string
  buttonKey: string
  webhookSecret: string
}

/** The demo's configuration document, as a museum's file would hold it. */
export function demoConfigDocument (e: DemoEndpoints): Record<string, unknown> {
  const instance = (tenant: 'art' | 'film'): Record<string, unknown> => ({
    cspace: {
      servicesUrl: e.csServicesUrl,
      recordUrl: `${e.csUiUrl}${tenant}/record/collectionobject/{csid}`,
      user: `${tenant}@spacelink.demo`,
      password: 'demo',
      timeoutMs: 10_000
    },
    mapping: [
      { rsField: 'title', cs: 'collectionobjects_common/titleGroupList/titleGroup/title' },
      // A date field gets CS's structured date (RS's edit form would erase a free-text display date).
      { rsField: 12, cs: 'collectionobjects_common/objectProductionDateGroupList/objectProductionDateGroup', rsFieldType: 'date' },
      { rsField: 'creator', cs: 'collectionobjects_common/objectProductionPersonGroupList/objectProductionPersonGroup/objectProductionPerson', join: '; ' }
    ]
  })
  const doc = {
    server: {
      host: '127.0.0.1',
      port: e.port,
      publicUrl: e.publicUrl,
      apiKeys: [{ key: e.buttonKey, scopes: ['callback'] }, { key: e.adminKey, scopes: ['admin'] }],
      logLevel: 'warn'
    },
    database: { url: e.databaseUrl },
    resourcespace: {
      apiUrl: e.rsApiUrl,
      user: e.rsUser,
      key: e.rsKey,
      webhookSecret: e.webhookSecret,
      timeoutMs: 10_000,
      fields: { accessionNumber: 'accessionnumber', originalFilename: 'originalfilename', synced: 89, status: 91, cspaceUrl: 90, group: 95 }
    },
    instances: {
      art: {
        ...instance('art'),
        resourceTypes: [1],
        accessionNumber: { fromField: true, fromFilename: { pattern: '^bampfa_([A-Za-z0-9-]+)_', replace: [['-', '.'], ['([a-z])\\.([a-z])', '$1-$2']] } },
        derivative: { sizes: ['scr', 'pre', 'thm'], transfer: 'stream' },
        media: {
          fields: { 'media_common/title': '{accessionNumber} ({size})', 'media_common/identificationNumber': 'RS-{rsid}-{size}' },
          rules: [{ whenFilename: '_6\\.jpe?g$', set: { 'media_bampfa/websiteDisplayLevel': 'No public display' } }]
        }
      },
      film: {
        ...instance('film'),
        resourceTypes: [3, 4],
        accessionNumber: { fromField: true },
        derivative: { sizes: ['pre', 'thm'], transfer: 'blob-uri' },
        media: { fields: { 'media_common/identificationNumber': 'RS-{rsid}-{size}' } }
      }
    },
    sync: { concurrency: 8, retries: 2, retryBaseDelayMs: 100 }
  }
  return doc
}

export function demoConfig (e: DemoEndpoints): Config {
  return loadConfig({ text: JSON.stringify(demoConfigDocument(e)), env: {} })
}

/** The demo's keys: printed by the demo, used by the tests and benchmarks (never a museum's). */
export const demoKeys = {
  admin: 'demo-admin-key-0123456789',
  button: 'demo-button-key-0123456789',
  webhookSecret: 'demo-webhook-secret'
}

/** The demo configuration for simulators that are already listening, with the demo keys. */
export function demoConfigFor (
  sims: { rs: { apiUrl: string, user: string, key: string }, cs: { servicesUrl: string } },
  e: Pick<DemoEndpoints,
  'databaseUrl'> & Partial<Pick<DemoEndpoints,
  'port' | 'publicUrl'>>
): Config {
  return demoConfig({
    rsApiUrl: sims.rs.apiUrl,
    rsUser: sims.rs.user,
    rsKey: sims.rs.key,
    csServicesUrl: sims.cs.servicesUrl,
    csUiUrl: sims.cs.servicesUrl.replace(/cspace-services\/?$/, 'cspace/'),
    port: e.port ?? 0,
    publicUrl: e.publicUrl ?? 'http://127.0.0.1',
    databaseUrl: e.databaseUrl,
    adminKey: demoKeys.admin,
    buttonKey: demoKeys.button,
    webhookSecret: demoKeys.webhookSecret
  })
}
