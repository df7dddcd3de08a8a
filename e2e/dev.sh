#!/usr/bin/env bash
# npm run n8n — a real n8n 2.41.1 for working on the node: the package is LINKED (symlink, so `npm run build` +
# restart picks up changes), the Carbon emulator and the SMTP / Slack sinks run next to it, all on 127.0.0.1.
# Prints the URLs and the credential values to use. Ctrl-C stops everything.
# Env: N8N_DEV_PORT (5678), N8N_DEV_EMULATOR_PORT (4010), N8N_DEV_SMTP_PORT (2525), N8N_DEV_SLACK_PORT (4020),
#      N8N_DEV_FOLDER (n8n user folder, kept between runs; default ~/.cache/n8n-nodes-carbon-zendesk/dev-user).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
check_prereqs
export PATH="$N24_BIN:$PATH"
ensure_n8n

PORT="${N8N_DEV_PORT:-5678}"; EMU_PORT="${N8N_DEV_EMULATOR_PORT:-4010}"
SMTP_PORT="${N8N_DEV_SMTP_PORT:-2525}"; SLACK_PORT="${N8N_DEV_SLACK_PORT:-4020}"
BROKER_PORT="$(free_port)"
USER_FOLDER="${N8N_DEV_FOLDER:-$(dirname "$N8N_E2E_CACHE")/dev-user}"
PKG_NAME="$(node -p "require('$REPO_DIR/package.json').name")"
for p in "$PORT" "$EMU_PORT" "$SMTP_PORT" "$SLACK_PORT"; do
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/"; then die "port $p is already in use (set N8N_DEV_*_PORT)"; fi
done

PIDS=()
# Each child runs in its own process group (setsid; pid == pgid), so killing the group takes its children too.
cleanup() {
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 0' INT TERM

log "building the package"
( cd "$REPO_DIR" && npm run build --silent )
mkdir -p "$USER_FOLDER/.n8n/nodes/node_modules"
ln -sfn "$REPO_DIR" "$USER_FOLDER/.n8n/nodes/node_modules/$PKG_NAME"   # linked: n8n loads dist/ from the working tree

LOGS="$USER_FOLDER/logs"; mkdir -p "$LOGS"
( cd "$REPO_DIR" || exit 1; setsid node_modules/.bin/ts-node --transpile-only test/emulator/cli.ts --port "$EMU_PORT" --seed 1 > "$LOGS/emulator.log" 2>&1 < /dev/null & echo $! > "$LOGS/emulator.pid" )
PIDS+=("$(cat "$LOGS/emulator.pid")")
( cd "$REPO_DIR" || exit 1; setsid node_modules/.bin/ts-node --transpile-only e2e/sinks.ts "$SMTP_PORT" "$SLACK_PORT" > "$LOGS/sinks.log" 2>&1 < /dev/null & echo $! > "$LOGS/sinks.pid" )
PIDS+=("$(cat "$LOGS/sinks.pid")")
wait_for "http://127.0.0.1:$EMU_PORT/_emulator/" 60 || die "emulator did not start (see $LOGS/emulator.log)"
API_KEY="$(curl -s "http://127.0.0.1:$EMU_PORT/_emulator/" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).apiKey))")"

( cd "$N8N_E2E_CACHE" || exit 1; N8N_USER_FOLDER="$USER_FOLDER" N8N_PORT="$PORT" N8N_LISTEN_ADDRESS=127.0.0.1 N8N_HOST=127.0.0.1 \
  WEBHOOK_URL="http://127.0.0.1:$PORT/" N8N_RUNNERS_BROKER_PORT="$BROKER_PORT" N8N_RUNNERS_BROKER_LISTEN_ADDRESS=127.0.0.1 \
  N8N_DIAGNOSTICS_ENABLED=false N8N_VERSION_NOTIFICATIONS_ENABLED=false N8N_TEMPLATES_ENABLED=false N8N_SECURE_COOKIE=false \
  N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false N8N_DEV_RELOAD=true \
  setsid ./node_modules/.bin/n8n start > "$LOGS/n8n.log" 2>&1 < /dev/null & echo $! > "$LOGS/n8n.pid" )
N8N_PID="$(cat "$LOGS/n8n.pid")"; PIDS+=("$N8N_PID")
wait_for "http://127.0.0.1:$PORT/healthz/readiness" 180 "$N8N_PID" || die "n8n did not start (see $LOGS/n8n.log)"

cat <<MSG

  n8n editor        http://127.0.0.1:$PORT/   (first visit: create the owner account)
  package           $PKG_NAME linked from $REPO_DIR (npm run build, then restart this script)
  Carbon emulator   http://127.0.0.1:$EMU_PORT   control API http://127.0.0.1:$EMU_PORT/_emulator/
  SMTP sink         127.0.0.1:$SMTP_PORT (no TLS, no auth; mails printed to $LOGS/sinks.log)
  Slack-like sink   http://127.0.0.1:$SLACK_PORT/api/chat.postMessage (posts printed to $LOGS/sinks.log)
  logs              $LOGS/{n8n,emulator,sinks}.log

  Credential "Carbon API":   API Key = $API_KEY
                             Default Customer ID = acme-corp   Base URL = http://127.0.0.1:$EMU_PORT
  Credential "SMTP":         Host 127.0.0.1, Port $SMTP_PORT, SSL/TLS off, Disable STARTTLS on, no user/password
  Examples to import:        $REPO_DIR/examples/*.json (Workflows → Import from File)
  OAuth links from "Get OAuth URL" complete on a plain GET (open them in a browser or curl them).

  Ctrl-C stops n8n, the emulator and the sinks.
MSG
while kill -0 "$N8N_PID" 2>/dev/null; do sleep 1 & wait $! || true; done
die "n8n exited (see $LOGS/n8n.log)"
