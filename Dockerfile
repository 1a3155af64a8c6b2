# The tyger-ts image the Kubernetes manifests run as helper containers (providers/kubernetes/Contract.ts): the buffer
# and socket sidecars (`tyger buffer sidecar ...`), the `create-buffers` (`tyger buffer provision`) and `mkfifo`
# (`sh -c`) init containers, and the distributed runs' `tyger run wait-for-workers` and `tyger run reap-workers`.
# No build step: Node >= 22.18 runs the TypeScript sources by stripping their types.
#
#   docker build -t tyger-ts .
FROM node:22-bookworm-slim

WORKDIR /app

# Runtime dependencies only, at the locked versions, plus the Azure SDK: an optional peer (and a devDependency) of the
# package, which `npm ci --omit=dev` leaves out, yet every helper of a pod with buffers talks to Blob Storage through
# it. It is made a dependency of the image's own copy of package.json (npm ci would refuse the edited manifest, so
# `npm install` resolves it, keeping every other locked version). Install scripts are skipped: the only one a runtime
# dependency has (@pulumi/kubernetes) downloads a Pulumi plugin that only `pulumi up` needs, never the CLI.
COPY package.json package-lock.json ./
RUN npm pkg set "dependencies.@azure/storage-blob=$(node -p "require('./package-lock.json').packages['node_modules/@azure/storage-blob'].version")" \
 && npm pkg delete devDependencies \
 && npm install --omit=dev --ignore-scripts --no-audit --no-fund \
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

# Numeric, so the kubelet can enforce the pods' `runAsNonRoot` without reading /etc/passwd; uid and gid 1000 are the
# node image's `node` user, which the helper containers' securityContext names too (HelperContainers.ts).
USER 1000:1000

ENTRYPOINT ["/app/bin/tyger"]
