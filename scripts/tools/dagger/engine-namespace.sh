#!/usr/bin/env bash
# The inside half of starting the Dagger engine (test/kit/dagger-engine.ts is the outside half).
# Runs as pid 1 of fresh mount, net and pid namespaces:
#   unshare --mount --net --pid --fork --propagation private bash engine-namespace.sh ROOTFS STATE [CONTENT]
# ROOTFS   the cached Debian rootfs (scripts/tools/dagger/build-rootfs.mjs); only ever the lower
#          layer of an overlay, so it stays as built.
# STATE    a fresh folder for this start: the overlay's upper layer, the engine's /var/lib/dagger,
#          its /run (where the host finds run/dagger/engine.sock) and /etc/dagger (engine.json,
#          written by the caller), and engine.env (KEY=VALUE lines for the engine's environment).
# CONTENT  optional: the builtin SDK content store, bound read-only at /usr/local/share/dagger/content.
# Every mount lives in this mount namespace and goes with it when the engine exits: nothing is
# left on the host. The caller attaches slirp4netns (--configure) to this namespace; until it
# has configured tap0 this waits.
set -euo pipefail
rootfs="$1"
state="$2"
content="${3:-}"
root="$state/root"

mkdir -p "$state/upper" "$state/work" "$root" "$state/lib" "$state/run" "$state/etc"
mount -t overlay overlay -o "lowerdir=$rootfs,upperdir=$state/upper,workdir=$state/work" "$root"
mount --bind "$state/lib" "$root/var/lib/dagger"
mount --bind "$state/run" "$root/run"
mount --bind "$state/etc" "$root/etc/dagger"
if [ -n "$content" ]; then
  mount --bind "$content" "$root/usr/local/share/dagger/content"
  mount -o remount,bind,ro "$root/usr/local/share/dagger/content"
fi
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys" # this namespace's view: its own network devices
mount --rbind /sys/fs/cgroup "$root/sys/fs/cgroup"
mount --rbind /dev "$root/dev"
mount -t tmpfs tmpfs "$root/tmp"

cd "$root"
mkdir -p .host
pivot_root . .host
cd /
umount -l /.host
rmdir /.host
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Wait for slirp4netns to configure tap0 (10.0.2.100, gateway 10.0.2.2 = the host's loopback).
for _ in $(seq 1 300); do
  ip route show default 2>/dev/null | grep -q tap0 && break
  sleep 0.1
done
ip route show default | grep -q tap0 || {
  echo "engine-namespace: slirp4netns did not configure tap0" >&2
  exit 1
}
ip link set lo up
# The host's registries answer on its 127.0.0.1:PORT; make the same address reach them from
# here, so a reference means the same registry on the host and in the engine, and the engine
# speaks plain HTTP to it as it does to any localhost registry. Only this namespace's table.
echo 1 >/proc/sys/net/ipv4/conf/all/route_localnet
iptables-legacy -t nat -A OUTPUT -d 127.0.0.1/32 -p tcp -j DNAT --to-destination 10.0.2.2
iptables-legacy -t nat -A POSTROUTING -s 127.0.0.1/32 -o tap0 -j MASQUERADE

if [ -f /run/engine.env ]; then
  set -a
  # shellcheck disable=SC1091
  . /run/engine.env
  set +a
fi
# It reads /etc/dagger/engine.json (bound from STATE/etc) by itself.
/usr/local/bin/dagger-engine >/run/engine.log 2>&1 &
engine=$!
trap 'kill -TERM "$engine" 2>/dev/null || true' TERM INT
code=0
wait "$engine" || code=$?
# A trapped signal ends the first wait early; wait again for the engine to finish.
while kill -0 "$engine" 2>/dev/null; do wait "$engine" || code=$?; done
exit "$code"
