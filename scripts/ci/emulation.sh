#!/usr/bin/env bash
# Multi-platform builds on this amd64 machine, idempotent (run by .ci/run):
#  - QEMU registered with binfmt_misc (F flag: the interpreter is opened now, so it
#    works inside containers and BuildKit's RUN steps too);
#  - an arm64 busybox from Debian (busybox-static:arm64), unpacked into the cache,
#    from which the test kit makes the arm64 half of the test base image.
set -euo pipefail
cache="${XDG_CACHE_HOME:-$HOME/.cache}/charthouse/arm64"

if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  if ! command -v update-binfmts >/dev/null || [ ! -e /usr/share/binfmts/qemu-aarch64 ]; then
    echo "emulation: installing qemu-user-static binfmt-support"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      qemu-user-static binfmt-support >/dev/null
  fi
  update-binfmts --enable qemu-aarch64
fi

if [ ! -x "$cache/bin/busybox" ]; then
  echo "emulation: fetching Debian's busybox-static:arm64"
  dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
  apt-get update -qq
  work="$(mktemp -d)"
  (cd "$work" && apt-get download -qq busybox-static:arm64 2>/dev/null)
  mkdir -p "$cache.partial"
  dpkg-deb -x "$work"/busybox-static_*_arm64.deb "$cache.partial"
  rm -rf "$work" "$cache"
  mv "$cache.partial" "$cache"
fi
echo "emulation: qemu-aarch64 registered ($(sed -n 's/^flags: //p' /proc/sys/fs/binfmt_misc/qemu-aarch64))," \
  "arm64 busybox at $cache/bin/busybox"
