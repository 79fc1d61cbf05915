#!/usr/bin/env bash
# Starts the real Dagger engine by hand, in the foreground, the way test/kit/dagger-engine.ts does for
# the tests: its own mount, net and pid namespaces over the cached rootfs, slirp4netns for traffic out,
# a fresh state folder. Ctrl-C (or SIGTERM) stops it and removes the state.
# usage: bash scripts/tools/dagger/start-engine.sh [SDK-FOLDER]
#   SDK-FOLDER  optional: a builtin SDK content folder (content/ + engine.env [+ engine.json])
# Then, in another shell: export the _EXPERIMENTAL_DAGGER_RUNNER_HOST line it prints and run `dagger`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../.."
rootfs="$(node --input-type=module -e \
  'import { rootfsDir } from "./scripts/tools/dagger/build-rootfs.mjs"; console.log(rootfsDir())')"
bin="$(node --input-type=module -e \
  'import { toolDir } from "./scripts/tools/build-tools.mjs"; console.log(toolDir("dagger"))')"
[ -x "$rootfs/usr/local/bin/dagger-engine" ] || {
  echo "the engine's rootfs is not built: run bash .ci/run" >&2
  exit 2
}
sdk="${1:-}"
state="$(mktemp -d /tmp/charthouse-dagger-XXXXXX)"
mkdir -p "$state/etc" "$state/run"
if [ -n "$sdk" ] && [ -f "$sdk/engine.json" ]; then cp "$sdk/engine.json" "$state/etc/engine.json"; else
  echo '{"logLevel": "info"}' >"$state/etc/engine.json"
fi
{ [ -n "$sdk" ] && grep -E '^[A-Za-z_][A-Za-z0-9_]*=' "$sdk/engine.env"; echo DO_NOT_TRACK=1; } >"$state/run/engine.env"

unshare --mount --net --pid --fork --propagation private --kill-child=SIGTERM \
  bash "$here/engine-namespace.sh" "$rootfs" "$state" ${sdk:+"$sdk/content"} &
ns=$!
inner=""
for _ in $(seq 1 100); do
  inner="$(cat "/proc/$ns/task/$ns/children" 2>/dev/null | awk '{print $1}')"
  [ -n "$inner" ] && break
  sleep 0.05
done
[ "$(readlink "/proc/$inner/ns/net")" != "$(readlink /proc/self/ns/net)" ] || {
  echo "the engine's process is not in a network namespace of its own" >&2
  exit 1
}
slirp4netns --configure --mtu=65520 "$inner" tap0 >"$state/slirp.log" 2>&1 &
slirp=$!
stop() {
  kill -TERM "$inner" 2>/dev/null || true
  wait "$ns" 2>/dev/null || true
  kill -TERM "$slirp" 2>/dev/null || true
  wait "$slirp" 2>/dev/null || true
  rm -rf "$state"
}
trap 'stop; exit 0' INT TERM
until [ -S "$state/run/dagger/engine.sock" ]; do
  kill -0 "$inner" 2>/dev/null || {
    cat "$state/run/engine.log" >&2
    stop
    exit 1
  }
  sleep 0.2
done
echo "engine pid $inner (namespace), slirp4netns pid $slirp, state $state, log $state/run/engine.log"
echo "export _EXPERIMENTAL_DAGGER_RUNNER_HOST=unix://$state/run/dagger/engine.sock PATH=$bin:\$PATH"
wait "$ns" || true
stop
