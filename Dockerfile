# Plenary's container image (issue 20 §7). It mirrors deploy/systemd: the same node commands, environment and
# /readyz; one image runs the web process (default) or a mail worker (command: worker). Build on a machine with
# Docker Hub access:  docker build -t plenary .   (not built in this project's CI: no registry access there)

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# patches/: fixes to dependencies that `npm ci` applies (patch-package, the postinstall script)
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
# only the fonts the PDFs use come from npm (@expo-google-fonts); curl for the health check
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates postgresql-client \
  && rm -rf /var/lib/apt/lists/* \
  && useradd --system --home /var/lib/plenary --create-home plenary
WORKDIR /opt/plenary
COPY --from=build --chown=root:root /app /opt/plenary
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/var/lib/plenary
USER plenary
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s CMD curl -fsS "http://127.0.0.1:${PORT}/readyz" || exit 1
# web: `node app/server.js` with the heap budget of `npm start` (package.json); worker: `node --import tsx app/cli/worker.ts`
CMD ["node", "--max-old-space-size=256", "--max-semi-space-size=4", "app/server.js"]
