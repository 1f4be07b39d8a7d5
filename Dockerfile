# One image for the server and its workers (compose.yaml, docs/DEPLOY.md).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/build ./build
COPY --from=build /app/dist ./dist
COPY bin ./bin
# The server; workers run `node build/server/worker/start.cjs` (pixpool-worker).
CMD ["node", "build/server/start.cjs"]
