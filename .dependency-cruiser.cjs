/**
 * Import rules, checked in CI (`npm run lint:imports`). spacelink is built in layers and a module may
 * import only from its own layer or a lower one; ARCHITECTURE.md names the layers and says why.
 *
 *   0 src/util                                  generic helpers, no project imports
 *   1 src/errors.ts, src/vocabulary.ts, src/config   shared words and configuration
 *   2 src/cspace                                CollectionSpace document knowledge (XML, NXQL, refNames, paths)
 *   3 src/clients, src/store                    talking to RS, CS and the database
 *   4 src/mapping, src/push, src/auth, src/simulators
 *   5 src/actions                               the button actions, one transaction each
 *   6 src/sync                                  the nightly run, built from actions
 *   7 src/http, src/schemas, src/callback, src/pages, src/diagnostics, src/resourcesync, src/export, src/observability
 *   8 src/spacelink.ts, src/app.ts, src/server.ts, src/cli.ts, src/logger.ts, src/demo, plugins, routes
 */
const layers = [
  ['^src/util/'],
  ['^src/errors\\.ts$', '^src/vocabulary\\.ts$', '^src/config/'],
  ['^src/cspace/'],
  ['^src/clients/', '^src/store/'],
  ['^src/mapping/', '^src/push/', '^src/auth/', '^src/simulators/'],
  ['^src/actions/'],
  ['^src/sync/'],
  ['^src/http/', '^src/schemas/', '^src/callback/', '^src/pages/', '^src/diagnostics/', '^src/resourcesync/', '^src/export/', '^src/observability/'],
  ['^src/spacelink\\.ts$', '^src/app\\.ts$', '^src/server\\.ts$', '^src/cli\\.ts$', '^src/logger\\.ts$', '^src/demo/', '^plugins/', '^routes/']
]

/** One rule per layer: nothing in it may import anything from a higher layer. */
const upward = layers.slice(0, -1).map((paths, i) => ({
  name: `layer-${i}-imports-upward`,
  severity: 'error',
  comment: `layer ${i} (${paths.join(', ')}) may only import from layers 0–${i}`,
  from: { path: paths },
  to: { path: layers.slice(i + 1).flat() }
}))

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'a cycle means two modules cannot be understood (or tested) one without the other',
      from: {},
      to: { circular: true }
    },
    {
      name: 'not-in-a-layer',
      severity: 'error',
      comment: 'every source module belongs to a layer (add new folders to .dependency-cruiser.cjs and ARCHITECTURE.md)',
      from: { path: '^(src|plugins|routes)/', pathNot: layers.flat() },
      to: {}
    },
    ...upward
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|test|bench)/' }
  }
}
