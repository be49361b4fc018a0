# Omnikit's server in a container, built from this repository's server package and started with the
# same command the package test starts it with (`omnikit-server`, test/package/packed.test.ts).
#
#   docker build -t omnikit-server .
#   docker run -p 8787:8787 -v "$PWD/omnikit.config.json:/app/omnikit.config.json:ro" \
#     -v omnikit-data:/app/data omnikit-server
#
# With PostgreSQL and several processes: compose.yaml and docs/deploy.md.

# Build: the server package, packed as npm would publish it, then installed without dev dependencies
# (better-sqlite3 compiles here if no prebuilt binary downloads, hence the compilers).
FROM node:20-bookworm-slim AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# Every workspace's package.json, as npm ci needs them (test/react19: React 19 for the browser tests).
COPY server/package.json server/
COPY test/react19/package.json test/react19/
# The repository's own install only builds: no native module needs compiling for that.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
# prepack compiles the server to JavaScript (server/dist).
RUN npm pack --workspace server --pack-destination /tmp
WORKDIR /app
RUN echo '{"name":"omnikit-backend","private":true}' > package.json \
  && npm install --omit=dev --no-audit --no-fund /tmp/omnikit-server-*.tgz

# Run: Node and the installed package only, as the unprivileged `node` user, which owns nothing but
# the data directory (SQLite; unused with DATABASE_URL).
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
  HOST=0.0.0.0 \
  PORT=8787 \
  DATA_DIR=/app/data \
  OMNIKIT_CONFIG=/app/omnikit.config.json \
  PATH=/app/node_modules/.bin:$PATH
WORKDIR /app
COPY --from=build /app /app
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8787
VOLUME ["/app/data"]
# Ready = the process answers and its database does (GET /ready): a container is routed traffic
# only then, and compose starts what depends on it only then.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8787)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM drains in-flight requests and ends streams cleanly (clients reconnect); SIGHUP reloads the config.
STOPSIGNAL SIGTERM
CMD ["omnikit-server"]
