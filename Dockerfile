# syntax=docker/dockerfile:1
# Build stage: full install (better-sqlite3 compiles here), TypeScript build, then drop dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY plugins ./plugins
COPY routes ./routes
RUN npm run build && npm prune --omit=dev

# Runtime stage: production dependencies and the build only, as the unprivileged `node` user.
FROM node:20-bookworm-slim
# NODE_OPTIONS: a heap ceiling, so V8 sizes its heap for a service rather than for the host. Without one,
# Node derives ~4 GB from the host's memory and lets garbage pile up to match: a 10,000-item night peaked at
# ~200 MB RSS with a live heap of ~25 MB; with 256 MB, ~160 MB at the same speed. The young generation's
# semi-spaces held to 8 MB (V8 grows them to 16): ~146 MB for under 1 ms more CPU per item; 4 MB would
# save 8 MB more for another 1.3 ms, 2 MB 15 MB more for another 2. MALLOC_ARENA_MAX: glibc gives each thread that allocates
# an arena of its own and returns little of them; two arenas took another 10 MB off that night
# (BENCHMARKS.md, part 7). Images and archives are streamed through buffers outside the heap
# (docs/operations.md says what does grow with a collection). Override either with -e.
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=8" \
    MALLOC_ARENA_MAX=2 \
    PORT=3000 \
    SPACELINK_CONFIG=/config/spacelink.yaml \
    DATABASE_URL=sqlite:/data/spacelink.db
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data /config && chown node:node /data
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json spacelink.example.yaml ./
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/cli.js", "serve"]
