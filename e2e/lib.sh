#!/usr/bin/env bash
# Shared helpers for e2e/run.sh and e2e/dev.sh (sourced, not executed).
# Everything here talks to 127.0.0.1 only; the npm registry is used for the one-time n8n install.

# The n8n the e2e runs on: 2.41.1 by default; E2E_N8N_VERSION=<x.y.z> for another (own cache folder per version).
N8N_VERSION="${E2E_N8N_VERSION:-2.41.1}"
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N8N_E2E_CACHE="${N8N_E2E_CACHE:-$HOME/.cache/n8n-nodes-carbon-zendesk/n8n-$N8N_VERSION}"
N24_BIN="$REPO_DIR/node_modules/node/bin"
SENTINEL="$N8N_E2E_CACHE/.install-complete"

log() { printf '[e2e %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf '[e2e] ERROR: %s\n' "$*" >&2; exit 1; }

# Fails fast, before anything slow, with a message that says what to do.
check_prereqs() {
  command -v npm >/dev/null || die "npm not found on PATH"
  command -v curl >/dev/null || die "curl not found on PATH"
  [ -x "$N24_BIN/node" ] || die "Node 24 not found at $N24_BIN/node — run 'npm ci' in $REPO_DIR (devDependency 'node')"
  local v; v="$("$N24_BIN/node" -v)"
  case "$v" in v24.*) ;; *) die "expected Node 24 at $N24_BIN/node, got $v" ;; esac
  [ -x "$REPO_DIR/node_modules/.bin/ts-node" ] || die "ts-node missing — run 'npm ci' in $REPO_DIR"
  if [ ! -f "$SENTINEL" ]; then
    mkdir -p "$(dirname "$N8N_E2E_CACHE")"
    local free_kb; free_kb="$(df -Pk "$(dirname "$N8N_E2E_CACHE")" | awk 'NR==2{print $4}')"
    [ "$free_kb" -ge $((6 * 1024 * 1024)) ] || die "need >= 6 GB free for the n8n cache at $(dirname "$N8N_E2E_CACHE") (have $((free_kb / 1024 / 1024)) GB). Set N8N_E2E_CACHE elsewhere."
    if [ "${N8N_E2E_OFFLINE:-}" = 1 ]; then die "n8n cache $N8N_E2E_CACHE is not complete and N8N_E2E_OFFLINE=1"; fi
  else
    local free_kb; free_kb="$(df -Pk /tmp | awk 'NR==2{print $4}')"
    [ "$free_kb" -ge $((1024 * 1024)) ] || die "need >= 1 GB free in /tmp for the n8n user folder"
  fi
}

# Installs n8n once into the cache (outside the repo). The sentinel is written only after every step
# succeeded, so an interrupted install is wiped and redone on the next run.
ensure_n8n() {
  # One installer at a time per cache (two concurrent runs would rm -rf each other's half install).
  mkdir -p "$(dirname "$N8N_E2E_CACHE")"
  if command -v flock >/dev/null; then
    exec 9>"$N8N_E2E_CACHE.install.lock"   # one lock per cache (per n8n version)
    flock -w 900 9 || die "another run holds $N8N_E2E_CACHE.install.lock for > 15 min"
  fi
  if [ -f "$SENTINEL" ] && [ -x "$N8N_E2E_CACHE/node_modules/.bin/n8n" ]; then
    log "n8n $N8N_VERSION cache: $N8N_E2E_CACHE (warm)"
    flock -u 9 2>/dev/null || true
    return
  fi
  log "n8n $N8N_VERSION cache: installing into $N8N_E2E_CACHE (cold; ~3-4 min, ~3 GB)"
  rm -rf "$N8N_E2E_CACHE"
  mkdir -p "$N8N_E2E_CACHE"
  (
    cd "$N8N_E2E_CACHE"
    printf '{"name":"n8n-e2e-cache","private":true}\n' > package.json
    # --ignore-scripts: npm 11 here does not run dependency install scripts anyway (allowScripts policy), and
    # several of n8n's scripts try to download things (prebuilt binaries, browsers) which cannot work offline.
    npm install --ignore-scripts --no-audit --no-fund --loglevel=error "n8n@$N8N_VERSION" > install.log 2>&1 \
      || { tail -30 install.log >&2; exit 1; }
    # sqlite3 is a native addon. Its own install script (prebuild-install) would download a prebuilt binary from
    # GitHub, which is impossible here (offline, and install scripts are skipped above), so we compile it.
    # sqlite3 5.x uses N-API, so the Debian Node headers in /usr/include/node (any Node >= 18) are enough:
    # --nodedir=/usr avoids node-gyp downloading a header tarball.
    local gyp
    gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
    [ -f "$gyp" ] || gyp="$(command -v node-gyp || true)"
    [ -n "$gyp" ] || { echo "node-gyp not found (npm's bundled copy or on PATH)" >&2; exit 1; }
    nodedir=/usr
    [ -f /usr/include/node/node_api.h ] || nodedir="$(dirname "$N24_BIN")"
    ( cd node_modules/sqlite3 && node "$gyp" rebuild --nodedir="$nodedir" -j "$(nproc)" ) > sqlite3-build.log 2>&1 \
      || { tail -30 sqlite3-build.log >&2; exit 1; }
    [ -f node_modules/sqlite3/build/Release/node_sqlite3.node ] || { echo "sqlite3 addon missing after build" >&2; exit 1; }
  ) || die "n8n install failed (logs in $N8N_E2E_CACHE/*.log)"
  date -u +%FT%TZ > "$SENTINEL"
  log "n8n $N8N_VERSION installed"
  flock -u 9 2>/dev/null || true
}

# A free TCP port on 127.0.0.1 (asks the kernel; tiny race accepted, the caller checks the bind).
free_port() {
  "$N24_BIN/node" -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# wait_for URL TIMEOUT_S [PID] — polls until HTTP 200, fails if the process died or the time is up.
wait_for() {
  local url="$1" timeout="$2" pid="${3:-}" deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 2; fi
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# Installs a package tarball the way n8n 2.41.1's community-package installer does
# (community-packages.service.js downloadPackage): extract into <user folder>/.n8n/nodes/node_modules/<name>,
# drop peerDependencies and devDependencies, then `npm install --install-strategy=shallow --ignore-scripts
# --package-lock=false` inside it. n8n-workflow and zod then resolve from n8n's own NODE_PATH.
install_like_n8n() {
  local tarball="$1" user_folder="$2" name="$3"
  local dest="$user_folder/.n8n/nodes/node_modules/$name"
  mkdir -p "$dest"
  tar -xzf "$tarball" -C "$dest" --strip-components=1
  "$N24_BIN/node" -e "
    const f=process.argv[1], p=JSON.parse(require('fs').readFileSync(f,'utf8'));
    delete p.peerDependencies; delete p.devDependencies;
    require('fs').writeFileSync(f, JSON.stringify(p,null,2));" "$dest/package.json"
  ( cd "$dest" && npm install --install-strategy=shallow --ignore-scripts --package-lock=false --no-audit --no-fund --loglevel=error >/dev/null )
}
