#!/usr/bin/env bash
# Remakes docs/editor.png: headless Chromium shows the n8n editor with workflow (a) open and the Carbon Zendesk
# node's parameter panel visible.
#   N8N_BASE=http://127.0.0.1:<port> docs/capture-screenshot.sh <workflowId> [out.png]
# Needs a running n8n with the package installed and the owner from e2e/e2e.ts (E2E_SCREENSHOT=1 npm run test:e2e
# does all of this), apt `chromium`, and playwright-core — installed here into a scratch folder OUTSIDE the repo
# (not a project dependency): ${PW_DIR:-~/.cache/n8n-nodes-carbon-zendesk/playwright}.
set -euo pipefail
WF_ID="${1:?workflow id}"
OUT="${2:-$(cd "$(dirname "$0")" && pwd)/editor.png}"
PW_DIR="${PW_DIR:-$HOME/.cache/n8n-nodes-carbon-zendesk/playwright}"
CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
[ -n "$CHROMIUM" ] || { echo "chromium not found: apt-get install -y --no-install-recommends chromium fonts-liberation" >&2; exit 1; }
if [ ! -d "$PW_DIR/node_modules/playwright-core" ]; then
  mkdir -p "$PW_DIR"
  ( cd "$PW_DIR" && printf '{"name":"pw-scratch","private":true}\n' > package.json && npm install --no-audit --no-fund --loglevel=error playwright-core@1.65.1 )
fi
CANVAS_OUT="${CANVAS_OUT:-$(dirname "$OUT")/editor-workflow.png}" NODE_PATH="$PW_DIR/node_modules" CHROMIUM="$CHROMIUM" node "$(dirname "$0")/capture-screenshot.js" "$WF_ID" "$OUT"
