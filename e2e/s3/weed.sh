#!/usr/bin/env bash
# Prints the path of a SeaweedFS `weed` binary, building it first when it is
# not cached yet. The S3 blob tests (SESSIONHUB_WEED) start it as their
# S3-compatible object store.
#
# SeaweedFS is a Go module, but `go install .../weed@version` is refused (its
# go.mod has replace directives), so the module is downloaded with
# `go mod download`, copied to a writable directory and built there. The build
# takes 5-10 minutes and ~2.6 GB of memory on two cores; the binary is cached
# outside the git tree, in $XDG_CACHE_HOME/sessionhub (default
# ~/.cache/sessionhub), keyed by the version.
set -euo pipefail

WEED_MODULE=github.com/seaweedfs/seaweedfs
WEED_VERSION=${WEED_VERSION:-v0.0.0-20261109003541-7506e5f91cd6}
GO=${GO:-go}

cache=${XDG_CACHE_HOME:-$HOME/.cache}/sessionhub/seaweedfs-$WEED_VERSION
bin=$cache/weed
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

mkdir -p "$cache"
dir=$(cd / && GOFLAGS=-mod=mod "$GO" mod download -json "$WEED_MODULE@$WEED_VERSION" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
  echo "weed.sh: go mod download $WEED_MODULE@$WEED_VERSION gave no module directory" >&2
  exit 1
fi
src=$cache/src
rm -rf "$src"
cp -r "$dir" "$src"
chmod -R u+w "$src"
echo "weed.sh: building SeaweedFS $WEED_VERSION (5-10 minutes) in $src" >&2
# About 2.6 GB of memory at its peak with the default parallelism.
(cd "$src" && GOFLAGS=-mod=mod "$GO" build -p 1 -o "$bin.tmp" ./weed)
mv "$bin.tmp" "$bin"
rm -rf "$src"
echo "$bin"
