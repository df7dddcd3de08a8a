#!/usr/bin/env bash
# A user's situation: the repository cloned into an empty folder, with nothing beside it (no ../shared).
# `npm run demo` and an engine test must run there. The installed node_modules is linked in to keep it quick.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
[ -d "$repo/node_modules/.bin" ] || { echo "fresh-clone: $repo/node_modules is missing — run npm ci first" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/carbon-fresh-clone.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# The committed HEAD of this repository, not the working tree.
git clone --quiet --no-hardlinks "$repo" "$work/clone"
[ ! -e "$work/shared" ] || { echo "fresh-clone: $work/shared exists — the check needs an empty folder" >&2; exit 1; }
ln -s "$repo/node_modules" "$work/clone/node_modules"
cd "$work/clone"
echo "fresh clone of $(git rev-parse --short HEAD) in $work/clone (nothing beside it: $(ls -A "$work" | tr '\n' ' '))"

npm run demo
npx jest test/nodes/item/list.test.ts
