# Sightline collector image.
#   docker build -t sightline .
#   docker run -p 4318:4318 -p 4317:4317 -v sightline-data:/data sightline                 # embedded PostgreSQL
#   docker run -p 4318:4318 -p 4317:4317 -e DATABASE_URL=postgres://… sightline            # your PostgreSQL 15+

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
# npm ci runs the prepare script, which compiles the TypeScript into dist/.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    SIGHTLINE_HOST=0.0.0.0 \
    SIGHTLINE_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json /app/schema.sql ./
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/collector/receiver/otlp/proto ./collector/receiver/otlp/proto
COPY --from=build /app/collector/storage/migrations ./collector/storage/migrations
# Runs as the unprivileged "node" user; the embedded PostgreSQL keeps its data in /data.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4318 4317
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.SIGHTLINE_PORT||4318)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# A larger young generation: a request's decoded points die young instead of being copied (README).
ENTRYPOINT ["node", "--max-semi-space-size=32", "bin/sightline.js"]
