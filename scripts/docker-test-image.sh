#!/usr/bin/env bash
# Builds the image the Docker tests run: a busybox root filesystem imported into the engine, since no image registry
# is reachable from the test machines.
#
#   scripts/docker-test-image.sh [NAME]      default tyger-test/busybox:latest
#
# Idempotent (does nothing when NAME exists) and safe to run concurrently: builds are serialised by a lock file (flock,
# when present), and each imports under its own temporary tag before pointing NAME at it, so NAME never names a
# half-imported image.
# Needs the docker CLI (honours DOCKER_HOST) and a statically linked busybox (Debian: busybox-static).
# Exit status: 0 built or present, 3 no static busybox on this host, other non-zero: the build failed.
set -euo pipefail

name=${1:-tyger-test/busybox:latest}
case ${name##*/} in *:*) ;; *) name=$name:latest ;; esac

docker image inspect "$name" >/dev/null 2>&1 && exit 0

if [ -z "${TYGER_TEST_IMAGE_LOCKED:-}" ] && command -v flock >/dev/null 2>&1; then
  # One builder at a time (per machine): the others wait, then find NAME present.
  TYGER_TEST_IMAGE_LOCKED=1 exec flock -w 300 /tmp/tyger-test-image.lock bash "$0" "$name"
fi

busybox=${TYGER_TEST_BUSYBOX:-}
if [ -z "$busybox" ]; then
  for candidate in /bin/busybox /usr/bin/busybox "$(command -v busybox 2>/dev/null || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then busybox=$candidate; break; fi
  done
fi
if [ -z "$busybox" ]; then
  echo "docker-test-image: no busybox found; install a static one (apt-get install busybox-static)" >&2
  exit 3
fi
# A dynamically linked busybox would find no C library inside the image.
if command -v ldd >/dev/null 2>&1 && ldd "$busybox" >/dev/null 2>&1; then
  echo "docker-test-image: $busybox is dynamically linked; install a static one (apt-get install busybox-static)" >&2
  exit 3
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/tyger-test-rootfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/etc" "$root/tmp"
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
# `busybox` itself is not an applet link: the binary already has that name.
for applet in $("$root/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"

staging="${name%:*}:build-$$-$RANDOM$RANDOM"
tar --numeric-owner --owner=0 --group=0 -C "$root" -c . | docker import - "$staging" >/dev/null
docker tag "$staging" "$name"
# Only untags when NAME points at the same image; deletes it when a concurrent build's NAME won.
docker rmi "$staging" >/dev/null 2>&1 || true
echo "docker-test-image: built $name"
