#!/usr/bin/env bash
# Debian's skopeo with sigstore verification, the second verifier of what publish signs.
# bookworm's skopeo 1.9.3 is built with it cut out ("Debian-local change: sigstore
# disabled") and skopeo is not on the Go module proxy; trixie's (1.18) has it. Its
# binary wants trixie's glibc, so it runs from its own directory through trixie's
# dynamic loader, beside the libraries it links: nothing on the system changes.
# apt downloads the packages, so they are checked against Debian's signed index.
# Cached by version under <cache>/charthouse/tools/skopeo-<version>; run by .ci/run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
read -r suite version packages < <(node -e '
  const s = require(process.argv[1]).skopeo;
  console.log(s.suite, s.version, s.packages.join(","));' "$here/debian.json")
dir="${XDG_CACHE_HOME:-$HOME/.cache}/charthouse/tools/skopeo-$version"
if [ -x "$dir/skopeo" ]; then
  echo "tools: skopeo $version ($suite) cached ($dir)"
  exit 0
fi
started=$SECONDS
state="$(mktemp -d)"
trap 'rm -rf "$state" "$dir.partial"' EXIT
arch="$(dpkg --print-architecture)"
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/debs"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" \
  >"$state/sources.list"
touch "$state/status"
# A private apt state: the machine's own sources, lists and package status stay as they are.
apt=(-o "Dir::Etc::SourceList=$state/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$state/lists" -o "Dir::State::status=$state/status" -o "Dir::Cache=$state/cache"
  -o "APT::Architecture=$arch" -o "APT::Architectures=$arch" -o Debug::NoLocking=1
  -o APT::Sandbox::User=root) # the state is a private temporary directory: no _apt user reads it
apt-get "${apt[@]}" -qq update
candidate="$(apt-cache "${apt[@]}" policy skopeo | awk '/Candidate:/ {print $2}')"
case "$candidate" in
  "$version"+*) ;;
  *) echo "tools: Debian $suite offers skopeo $candidate, not $version: update scripts/tools/debian.json" >&2; exit 1 ;;
esac
(cd "$state/debs" && apt-get "${apt[@]}" -qq download ${packages//,/ })
mkdir -p "$dir.partial/root" "$dir.partial/lib"
for deb in "$state"/debs/*.deb; do dpkg-deb -x "$deb" "$dir.partial/root"; done
triplet="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo "$(uname -m)-linux-gnu")"
cp -a "$dir.partial/root/usr/lib/$triplet/." "$dir.partial/lib/"
cp "$dir.partial/root/usr/bin/skopeo" "$dir.partial/skopeo.bin"
rm -rf "$dir.partial/root"
loader="$(cd "$dir.partial/lib" && ls ld-linux*.so.* | head -1)"
cat >"$dir.partial/skopeo" <<WRAPPER
#!/bin/sh
# Debian $suite's skopeo $candidate, on its own loader and libraries (scripts/tools/install-debian-skopeo.sh).
here="\$(dirname "\$(readlink -f "\$0")")"
exec "\$here/lib/$loader" --library-path "\$here/lib" "\$here/skopeo.bin" "\$@"
WRAPPER
chmod +x "$dir.partial/skopeo"
"$dir.partial/skopeo" --version >/dev/null
rm -rf "$dir"
mv "$dir.partial" "$dir" # whole or not at all: a half-installed tool never looks cached
echo "tools: skopeo $candidate ($suite) installed in $((SECONDS - started)) s"
