#!/usr/bin/env bash
# The Debian root filesystem the Dagger engine runs in (its recipe: this folder).
# usage: build.sh <out> <binaries>
#   <out>       the rootfs to make (written beside it as <out>.partial, moved whole)
#   <binaries>  the folder scripts/tools/build-tools.mjs built dagger-engine and its helpers into
# Debian bookworm minbase from the mirror apt uses, the packages in packages.txt, the
# machine's extra CA certificates, and the binaries at the fixed paths the engine expects.
# Nothing of the engine's run-time state lives here: test/kit/dagger-engine.ts mounts an
# overlay and a fresh state folder over it on every start, so this tree stays as built.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$1"
bin="$2"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
partial="$out.partial"

include="$(grep -v '^#' "$here/packages.txt" | paste -sd, -)"
# debootstrap is the slow part (minutes): a finished one is kept in <out>.debootstrap for a
# rerun after a later step failed; anything half-done is made again.
if [ ! -e "$out.debootstrap/.done" ]; then
  rm -rf "$out.debootstrap"
  mkdir -p "$out.debootstrap"
  debootstrap --variant=minbase --include="$include" bookworm "$out.debootstrap" "$mirror" >"$out.log" 2>&1 || {
    tail -20 "$out.log" >&2
    exit 1
  }
  rm -f "$out.log"
  touch "$out.debootstrap/.done"
fi
rm -rf "$partial"
cp -a "$out.debootstrap" "$partial"
rm -f "$partial/.done"

# The machine's extra CA certificates (a TLS-intercepting egress proxy): the engine's
# own outbound TLS trusts what the host trusts.
for cert in /usr/local/share/ca-certificates/*.crt; do
  [ -e "$cert" ] && cp "$cert" "$partial/usr/local/share/ca-certificates/"
done
chroot "$partial" update-ca-certificates >/dev/null

# The engine, its helpers and the paths it looks them up at.
install -m 0755 "$bin/dagger-engine" "$bin/dagger-init" "$bin/dial-stdio" "$bin/codegen" "$bin/dagger" \
  "$partial/usr/local/bin/"
ln -s dial-stdio "$partial/usr/local/bin/buildctl" # the CLI's container driver runs `buildctl dial-stdio`
ln -s /usr/sbin/runc "$partial/usr/local/bin/runc"
mkdir -p "$partial/opt/cni/bin"
for plugin in bridge loopback firewall host-local; do
  ln -s "/usr/lib/cni/$plugin" "$partial/opt/cni/bin/$plugin"
done
install -m 0755 "$bin/dnsname" "$partial/opt/cni/bin/dnsname"
# The engine points the iptables links at /usr/bin/xtables-legacy-multi; Debian keeps it in /usr/sbin.
ln -s /usr/sbin/xtables-legacy-multi "$partial/usr/bin/xtables-legacy-multi"
ln -s /usr/sbin/xtables-nft-multi "$partial/usr/bin/xtables-nft-multi"
# And every `iptables` on PATH the legacy one, as the engine's own links will be.
for tool in iptables ip6tables; do
  chroot "$partial" update-alternatives --set "$tool" "/usr/sbin/$tool-legacy" >/dev/null
done

# Mount points the kit binds over: state, socket, config and the builtin SDK content.
mkdir -p "$partial/var/lib/dagger" "$partial/run/dagger" "$partial/etc/dagger" \
  "$partial/usr/local/share/dagger/content"
# Resolved by slirp4netns' DNS forwarder inside the engine's namespace.
echo "nameserver 10.0.2.3" >"$partial/etc/resolv.conf"
rm -rf "$partial/var/cache/apt/archives/"*.deb "$partial/var/lib/apt/lists/"*

rm -rf "$out"
mv "$partial" "$out"
rm -rf "$out.debootstrap"
