#!/usr/bin/env bash
# npm run test:e2e — proves the packed n8n-nodes-carbon-zendesk inside real n8n 2.41.1, headless, on 127.0.0.1.
#
#   1. checks prerequisites (disk, Node 24 from the repo's devDependency `node`, the n8n cache);
#   2. installs n8n@2.41.1 once into $N8N_E2E_CACHE (outside the repo; default ~/.cache/n8n-nodes-carbon-zendesk/n8n-2.41.1);
#   3. builds + `npm pack`s this package and installs the tarball into a fresh n8n user folder the way n8n's
#      community-package installer does;
#   4. starts the Carbon emulator (test/emulator) and n8n on free loopback ports, waits for both by polling;
#   5. runs e2e/e2e.ts (imports credentials + workflows, executes them, asserts on outputs, mails, Slack posts
#      and the emulator's request log);
#   6. restarts n8n between the two phases of e2e/replay-restart.ts (a Carbon Trigger delivery replayed after the
#      restart starts no second execution).
# Env: N8N_E2E_CACHE (cache folder), E2E_KEEP=1 (keep the temp folder), E2E_SCREENSHOT=1 (also remake docs/editor.png),
#      N8N_E2E_OFFLINE=1 (fail instead of installing n8n), E2E_N8N_VERSION (another n8n, own cache; see lib.sh),
#      E2E_SMOKE=1 (a few workflows only), E2E_UI=1 (then the editor test e2e/ui/ui.ts in Chromium on the same n8n;
#      UI_ARTIFACTS = its screenshot folder, default <temp>/ui; UI_DOCS=1 also rewrites the README's docs/*.png).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

T_START=$SECONDS
check_prereqs
find_chromium() { command -v chromium || command -v chromium-browser || command -v google-chrome || true; }
if [ "${E2E_UI:-}" = 1 ]; then
  CHROMIUM="${CHROMIUM:-$(find_chromium)}"
  # A fresh Debian machine (CI) has no browser: install the distribution's Chromium when we are root, as the queue
  # suite installs PostgreSQL. playwright-core drives it; no browser is ever downloaded.
  if [ -z "$CHROMIUM" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing chromium with apt-get (missing)"
    apt-get update -qq >/dev/null || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null \
      || die "apt-get install chromium failed"
    CHROMIUM="$(find_chromium)"
  fi
  [ -n "$CHROMIUM" ] || die "E2E_UI=1 needs Chromium: as root, apt-get install -y --no-install-recommends chromium fonts-liberation"
  export CHROMIUM
fi
export PATH="$N24_BIN:$PATH"   # n8n, ts-node and npm scripts below all run on Node 24
CACHE_STATE=warm; [ -f "$SENTINEL" ] || CACHE_STATE=cold

WORK="$(mktemp -d "${TMPDIR:-/tmp}/carbon-e2e.XXXXXX")"
PIDS=()
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  if [ "$rc" -ne 0 ]; then
    log "FAILED (rc $rc). Logs: $WORK/{emulator,n8n}.log"
    [ -f "$WORK/n8n.log" ] && { echo "--- last lines of n8n.log" >&2; tail -25 "$WORK/n8n.log" >&2; }
    [ -f "$WORK/n8n-restarted.log" ] && { echo "--- last lines of n8n-restarted.log" >&2; tail -25 "$WORK/n8n-restarted.log" >&2; }
  elif [ "${E2E_KEEP:-}" != 1 ]; then
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts a command in its own process group (setsid) so cleanup can kill it and all its children.
start_bg() {
  local logfile="$1"; shift
  setsid "$@" > "$logfile" 2>&1 < /dev/null &
  echo "$!"
}

ensure_n8n
T_CACHE=$SECONDS

log "building and packing the package"
( cd "$REPO_DIR" && npm run build --silent > "$WORK/build.log" 2>&1 ) || { cat "$WORK/build.log" >&2; die "build failed"; }
TARBALL="$(cd "$REPO_DIR" && npm pack --silent --pack-destination "$WORK" | tail -1)"
PKG_NAME="$(node -p "require('$REPO_DIR/package.json').name")"
USER_FOLDER="$WORK/n8n-user"
install_like_n8n "$WORK/$TARBALL" "$USER_FOLDER" "$PKG_NAME"
log "installed $TARBALL into $USER_FOLDER/.n8n/nodes/node_modules/$PKG_NAME (as n8n's installer does)"
T_PACK=$SECONDS

N8N_PORT="$(free_port)"; BROKER_PORT="$(free_port)"; CLI_BROKER_PORT="$(free_port)"; EMU_PORT="$(free_port)"
while [ "$BROKER_PORT" = "$N8N_PORT" ]; do BROKER_PORT="$(free_port)"; done
while [ "$CLI_BROKER_PORT" = "$N8N_PORT" ] || [ "$CLI_BROKER_PORT" = "$BROKER_PORT" ]; do CLI_BROKER_PORT="$(free_port)"; done
while [ "$EMU_PORT" = "$N8N_PORT" ] || [ "$EMU_PORT" = "$BROKER_PORT" ] || [ "$EMU_PORT" = "$CLI_BROKER_PORT" ]; do EMU_PORT="$(free_port)"; done

EMU_PID="$(cd "$REPO_DIR" && start_bg "$WORK/emulator.log" "$REPO_DIR/node_modules/.bin/ts-node" --transpile-only test/emulator/cli.ts --port "$EMU_PORT" --seed 1)"
PIDS+=("$EMU_PID")

# n8n: loopback only, own user folder, no telemetry / version checks / templates (offline).
export N8N_USER_FOLDER="$USER_FOLDER" N8N_PORT N8N_LISTEN_ADDRESS=127.0.0.1 N8N_HOST=127.0.0.1 N8N_PROTOCOL=http \
  WEBHOOK_URL="http://127.0.0.1:$N8N_PORT/" N8N_EDITOR_BASE_URL="http://127.0.0.1:$N8N_PORT/" \
  N8N_RUNNERS_BROKER_LISTEN_ADDRESS=127.0.0.1 N8N_DIAGNOSTICS_ENABLED=false N8N_VERSION_NOTIFICATIONS_ENABLED=false \
  N8N_TEMPLATES_ENABLED=false N8N_PERSONALIZATION_ENABLED=false N8N_SECURE_COOKIE=false N8N_LOG_LEVEL=info \
  N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false N8N_ENCRYPTION_KEY="carbon-e2e-not-a-secret" \
  N8N_COMMUNITY_PACKAGES_ENABLED=true
N8N_BIN="$N8N_E2E_CACHE/node_modules/.bin/n8n"
N8N_PID="$(cd "$N8N_E2E_CACHE" && N8N_RUNNERS_BROKER_PORT="$BROKER_PORT" start_bg "$WORK/n8n.log" "$N8N_BIN" start)"
PIDS+=("$N8N_PID")

wait_for "http://127.0.0.1:$EMU_PORT/_emulator/" 60 "$EMU_PID" || { cat "$WORK/emulator.log" >&2; die "Carbon emulator did not come up on port $EMU_PORT"; }
log "Carbon emulator ready on http://127.0.0.1:$EMU_PORT"
wait_for "http://127.0.0.1:$N8N_PORT/healthz/readiness" 180 "$N8N_PID" || die "n8n did not become ready on port $N8N_PORT (see $WORK/n8n.log)"
log "n8n ready on http://127.0.0.1:$N8N_PORT"
T_READY=$SECONDS

E2E_WORK="$WORK" E2E_REPO="$REPO_DIR" N8N_BIN="$N8N_BIN" N8N_DIR="$N8N_E2E_CACHE" N8N_BASE="http://127.0.0.1:$N8N_PORT" \
  CLI_BROKER_PORT="$CLI_BROKER_PORT" EMU_URL="http://127.0.0.1:$EMU_PORT" \
  "$REPO_DIR/node_modules/.bin/ts-node" --transpile-only "$REPO_DIR/e2e/e2e.ts"

# The smoke (E2E_SMOKE=1, e.g. on the oldest supported n8n) stops after e2e.ts's few workflows.
if [ "${E2E_SMOKE:-}" != 1 ]; then
  # Carbon Trigger replay protection across a restart of n8n (same user folder and database): e2e/replay-restart.ts.
  replay_restart() { E2E_WORK="$WORK" N8N_BASE="http://127.0.0.1:$N8N_PORT" EMU_URL="http://127.0.0.1:$EMU_PORT" \
    "$REPO_DIR/node_modules/.bin/ts-node" --transpile-only "$REPO_DIR/e2e/replay-restart.ts" "$1"; }
  replay_restart before
  log "restarting n8n (same user folder and database)"
  kill -TERM -- "-$N8N_PID" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 -- "-$N8N_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$N8N_PID" 2>/dev/null || true
  N8N_PID="$(cd "$N8N_E2E_CACHE" && N8N_RUNNERS_BROKER_PORT="$BROKER_PORT" start_bg "$WORK/n8n-restarted.log" "$N8N_BIN" start)"
  PIDS+=("$N8N_PID")
  wait_for "http://127.0.0.1:$N8N_PORT/healthz/readiness" 180 "$N8N_PID" || die "n8n did not come back after the restart (see $WORK/n8n-restarted.log)"
  log "n8n ready again after the restart"
  replay_restart after
  # The AI Agent with the Carbon Zendesk tool against a fake OpenAI-compatible model (e2e/agent.ts, e2e/fake-openai.ts).
  E2E_WORK="$WORK" E2E_REPO="$REPO_DIR" N8N_BIN="$N8N_BIN" N8N_DIR="$N8N_E2E_CACHE" N8N_BASE="http://127.0.0.1:$N8N_PORT" \
    CLI_BROKER_PORT="$CLI_BROKER_PORT" EMU_URL="http://127.0.0.1:$EMU_PORT" \
    "$REPO_DIR/node_modules/.bin/ts-node" --transpile-only "$REPO_DIR/e2e/agent.ts"
fi
T_TEST=$SECONDS

if [ "${E2E_UI:-}" = 1 ]; then
  log "editor test in headless Chromium ($CHROMIUM)"
  UI_ARTIFACTS="${UI_ARTIFACTS:-$WORK/ui}"; mkdir -p "$UI_ARTIFACTS"
  N8N_BASE="http://127.0.0.1:$N8N_PORT" EMU_URL="http://127.0.0.1:$EMU_PORT" UI_ARTIFACTS="$UI_ARTIFACTS" \
    "$REPO_DIR/node_modules/.bin/ts-node" --transpile-only "$REPO_DIR/e2e/ui/ui.ts" \
    || die "editor test failed; screenshots in $UI_ARTIFACTS"
fi
T_UI=$SECONDS

if [ "${E2E_SCREENSHOT:-}" = 1 ]; then
  log "remaking docs/editor.png"
  N8N_BASE="http://127.0.0.1:$N8N_PORT" bash "$REPO_DIR/docs/capture-screenshot.sh" WfExampleAOrig01 "$REPO_DIR/docs/editor.png"
fi

printf '\nE2E PASSED on n8n %s%s — n8n cache %s: prerequisites+cache %ss, build+pack+install %ss, emulator+n8n ready %ss, tests %ss, editor %ss, total %ss\n' \
  "$N8N_VERSION" "${E2E_SMOKE:+ (smoke)}" "$CACHE_STATE" "$((T_CACHE - T_START))" "$((T_PACK - T_CACHE))" "$((T_READY - T_PACK))" "$((T_TEST - T_READY))" "$((T_UI - T_TEST))" "$((SECONDS - T_START))"
