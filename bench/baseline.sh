#!/bin/sh
# What charthouse replaces: the script a maintainer would write to do, by hand and in order,
# what `charthouse publish --nightly` does for examples/hyrax. Same gates, same pushes:
# build every target with its OCI labels; smoke-test every image; start the services on a
# network, wait for each one's ready command, run the suite; build the chart's
# dependencies, lint it strictly, render it with the pinned images; push the images; pin
# their digests into the chart, package and push it; move the `nightly` aliases.
#
# It builds with BuildKit through buildx, the builder charthouse uses where buildx is
# installed. With PLATFORMS="linux/amd64 linux/arm64" (and BASE_IMAGE, a base index both
# platforms resolve) it does what a maintainer on Docker's buildx `docker` driver would
# for a multi-platform image: build and smoke-test each platform (arm64 emulated), run the
# suite on the native one, push each platform under its own tag and assemble the index
# with `docker buildx imagetools create`, which also copies it to the alias.
#
# Usage: REGISTRY=127.0.0.1:5000/samvera DATE=20261124 REVISION=<sha> CREATED=<iso> HELM=helm \
#        [PLATFORMS="linux/amd64 linux/arm64" BASE_IMAGE=<index>] sh bench/baseline.sh <project dir>
# Prints "phase <name> <seconds>" for each phase, for the benchmark's breakdown, and
# "phase target-<target>[-<arch>] <seconds>" for each build.
set -eu
project=$1
helm=${HELM:-helm}
tag="nightly-$DATE"
platforms=${PLATFORMS:-}
# One platform: the engine's own, its tag as is ("="). Several: a tag per platform (-amd64, -arm64).
variants="="
if [ -n "$platforms" ]; then variants=$(for p in $platforms; do printf -- '-%s ' "${p##*/}"; done); fi
base_arg() { if [ -n "${BASE_IMAGE:-}" ]; then echo "--build-arg BASE_IMAGE=$BASE_IMAGE"; fi; }
work=$(mktemp -d)
net="baseline-$$"
cleanup() {
  docker rm -f solr postgres redis fcrepo >/dev/null 2>&1 || true
  docker network rm "$net" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
phase() { awk -v a="$2" -v b="$(now)" -v n="$1" 'BEGIN { printf "phase %s %.3f\n", n, b - a }'; }

# Pins repository, tag and digest of the web image (image:) and the worker (worker.image:) in values.yaml.
pin() { # values-file web-digest worker-digest
  awk -v reg="$REGISTRY" -v tag="$tag" -v web="$2" -v worker="$3" '
    /^image:/ { section = "web" } /^worker:/ { section = "worker" } /^[a-z]/ && !/^(image|worker):/ { section = "" }
    section != "" && $1 == "repository:" {
      sub(/repository:.*/, "repository: " reg "/" (section == "web" ? "dassie" : "dassie-worker"))
    }
    section != "" && $1 == "tag:" { sub(/tag:.*/, "tag: \"" tag "\"") }
    section != "" && $1 == "digest:" { sub(/digest:.*/, "digest: \"" (section == "web" ? web : worker) "\"") }
    { print }' "$1" > "$1.pinned" && mv "$1.pinned" "$1"
}

t=$(now)
for target in hyrax-base hyrax-worker-base dassie dassie-worker; do
  for p in ${platforms:-native}; do
    suffix=""; platform=""
    if [ -n "$platforms" ]; then suffix="-${p##*/}"; platform="--platform $p"; fi
    b=$(now)
    # shellcheck disable=SC2046,SC2086
    docker buildx build --load --quiet --target "$target" $platform $(base_arg) \
      --label "org.opencontainers.image.revision=$REVISION" \
      --label "org.opencontainers.image.version=$tag" \
      --label "org.opencontainers.image.created=$CREATED" \
      --tag "$REGISTRY/$target:$tag$suffix" "$project" >/dev/null
    phase "target-$target$suffix" "$b"
  done
done
phase build "$t"

t=$(now)
for v in $variants; do
  suffix=${v#=}
  docker run --rm --network none "$REGISTRY/hyrax-base:$tag$suffix" sh /app/samvera/bin/smoke >/dev/null
  docker run --rm --network none "$REGISTRY/hyrax-worker-base:$tag$suffix" sh /app/samvera/bin/smoke >/dev/null
  docker run --rm --network none "$REGISTRY/dassie:$tag$suffix" \
    sh -c 'sh /app/samvera/bin/smoke && test -f APP' >/dev/null
  docker run --rm --network none "$REGISTRY/dassie-worker:$tag$suffix" \
    sh -c 'sh /app/samvera/bin/smoke && test -f APP' >/dev/null
done
phase smoke "$t"
# The suite runs on the engine's own platform.
native=""
if [ -n "$platforms" ]; then native="-$(docker version --format '{{.Server.Arch}}')"; fi

t=$(now)
docker network create "$net" >/dev/null
for service in solr:8983 postgres:5432 redis:6379 fcrepo:8080; do
  name=${service%%:*}; port=${service##*:}
  docker run -d --name "$name" --network "$net" --network-alias "$name" localhost/charthouse/busybox:1.35 \
    sh -c "mkdir -p /srv && echo $name > /srv/index.html && exec httpd -f -p $port -h /srv" >/dev/null
done
for service in solr:8983 postgres:5432 redis:6379 fcrepo:8080; do
  name=${service%%:*}; port=${service##*:}
  until docker exec "$name" wget -q -O /dev/null "http://127.0.0.1:$port/"; do sleep 0.25; done
done
docker run --rm --network "$net" --env POSTGRES_DB=hyrax_test \
  --mount type=volume,source=baseline-cache,target=/app/samvera/.cache \
  "$REGISTRY/dassie:$tag$native" sh /app/samvera/bin/test >/dev/null
docker rm -f solr postgres redis fcrepo >/dev/null
docker network rm "$net" >/dev/null
phase suite "$t"

t=$(now)
mkdir -p "$work/chart"
cp -R "$project/chart/." "$work/chart/"
sed -i "s/^version: .*/version: 3.7.4-nightly.$DATE/; s/^appVersion: .*/appVersion: \"$tag\"/" \
  "$work/chart/hyrax/Chart.yaml"
"$helm" dependency build "$work/chart/hyrax" >/dev/null
"$helm" lint --strict "$work/chart/hyrax" >/dev/null
pin "$work/chart/hyrax/values.yaml" "" ""
"$helm" template hyrax "$work/chart/hyrax" >/dev/null
phase chart "$t"

t=$(now)
for target in hyrax-base hyrax-worker-base dassie dassie-worker; do
  for v in $variants; do
    docker push --quiet "$REGISTRY/$target:$tag${v#=}" >/dev/null
  done
  if [ -n "$platforms" ]; then
    # shellcheck disable=SC2046
    docker buildx imagetools create --tag "$REGISTRY/$target:$tag" \
      $(for v in $variants; do echo "$REGISTRY/$target:$tag$v"; done) >/dev/null 2>&1
  fi
done
phase push "$t"

t=$(now)
if [ -n "$platforms" ]; then
  digest() { docker buildx imagetools inspect "$REGISTRY/$1:$tag" | awk '$1 == "Digest:" { print $2; exit }'; }
else
  digest() { docker inspect --format '{{index .RepoDigests 0}}' "$REGISTRY/$1:$tag" | sed 's/.*@//'; }
fi
pin "$work/chart/hyrax/values.yaml" "$(digest dassie)" "$(digest dassie-worker)"
"$helm" package "$work/chart/hyrax" --destination "$work/pkg" >/dev/null
"$helm" push "$work/pkg/hyrax-3.7.4-nightly.$DATE.tgz" "oci://$REGISTRY/charts" --plain-http >/dev/null 2>&1
phase chart-push "$t"

t=$(now)
for target in hyrax-base hyrax-worker-base dassie dassie-worker; do
  if [ -n "$platforms" ]; then
    docker buildx imagetools create --tag "$REGISTRY/$target:nightly" "$REGISTRY/$target:$tag" >/dev/null 2>&1
  else
    docker tag "$REGISTRY/$target:$tag" "$REGISTRY/$target:nightly"
    docker push --quiet "$REGISTRY/$target:nightly" >/dev/null
  fi
done
phase aliases "$t"
