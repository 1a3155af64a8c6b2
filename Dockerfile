# The tyger-ts image the Kubernetes manifests run as helper containers (providers/kubernetes/Contract.ts): the buffer
# and socket sidecars (`tyger buffer sidecar ...`), the `mkfifo` init container (`sh -c`) and the distributed runs'
# `tyger run wait-for-workers`. No build step: Node >= 22.18 runs the TypeScript sources by stripping their types.
#
#   docker build -t tyger-ts .
FROM node:22-bookworm-slim

WORKDIR /app

# Runtime dependencies only, exactly as locked. Install scripts are skipped: the only one a runtime dependency has
# (@pulumi/kubernetes) downloads a Pulumi plugin that only `pulumi up` needs, never the CLI.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

COPY model/ model/
COPY dsl/ dsl/
COPY engine/ engine/
COPY providers/ providers/
COPY cli/ cli/
COPY bin/ bin/

# The manifests call `tyger` by name (container `command: ["tyger"]`).
RUN ln -s /app/bin/tyger /usr/local/bin/tyger

# Writable whatever uid the pod runs as (HOME may be `/`): every command opens the tyger-ts data directory, and the
# launcher keeps a V8 compile cache.
ENV TYGER_TS_DATA_DIR=/tmp/tyger-ts \
    XDG_CACHE_HOME=/tmp/cache

USER node

ENTRYPOINT ["/app/bin/tyger"]
