#!/usr/bin/env bash
# npm run test:queue — proves the packed n8n-nodes-carbon-zendesk in n8n 2.41.1 QUEUE MODE, headless, on 127.0.0.1:
# main + 2 workers (`n8n worker --concurrency=5`), Redis (Bull) and Postgres, all real servers on free loopback ports.
#
#   1. prerequisites, fail fast: Node 24 + ts-node (npm ci), the n8n cache (installed once via e2e/lib.sh if missing),
#      redis-server + PostgreSQL (apt-get installs them when missing and we are root, e.g. on a fresh CI machine);
#   2. builds + `npm pack`s this package and installs the tarball into ONE n8n user folder shared by main and the
#      workers, the way n8n's community-package installer does (e2e/lib.sh install_like_n8n);
#   3. starts its own Postgres (initdb in the temp folder), Redis (no persistence) and the Carbon emulator, each on a
#      free 127.0.0.1 port, and waits for each by polling (bounded);
#   4. runs e2e/queue/queue.ts, which starts n8n main + workers itself (it must stop/kill/restart workers on cue),
#      and asserts: load (1 vs 2 workers), Update Users on a worker, Carbon Trigger across processes, worker
#      SIGTERM / SIGKILL under load;
#   5. tears everything down (trap; also on failure or Ctrl-C): every process group it started, Postgres, Redis.
# Env: N8N_E2E_CACHE (n8n cache, see e2e/lib.sh), QUEUE_KEEP=1 (keep the temp folder + logs), N8N_E2E_OFFLINE=1
#      (fail instead of installing n8n), QUEUE_LOAD (default 1000), QUEUE_LOAD_1W (200), QUEUE_FAULT_LOAD (300),
#      QUEUE_CONCURRENCY (20 calls in flight), QUEUE_EMULATOR_SIZE (2500 items per help center),
#      QUEUE_KEEP_LAST_COMPLETED (1000; 0 reproduces n8n's default and its lost-webhook-response race, see queue.ts).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
QLOG() { printf '[queue %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

T_START=$SECONDS

# ---------------------------------------------------------------- 1. prerequisites
PG_BIN=""
find_pg_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then PG_BIN="$d"; return 0; fi
  done
  return 1
}
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null || ! find_pg_bin; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    QLOG "installing redis-server + postgresql with apt-get (missing)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends redis-server postgresql >/dev/null \
      || die "apt-get install redis-server postgresql failed"
    # We never use or touch the system services apt may start: our instances have their own data folders and ports.
  else
    die "redis-server and PostgreSQL (initdb/postgres) are required: run as root 'apt-get install -y --no-install-recommends redis-server postgresql' (Debian/Ubuntu)"
  fi
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || die "redis-server/redis-cli still missing after apt-get"
  find_pg_bin || die "PostgreSQL initdb/postgres not found under /usr/lib/postgresql/*/bin after apt-get"
fi
command -v setsid >/dev/null || die "setsid (util-linux) is required"
if [ "$(id -u)" = 0 ]; then id postgres >/dev/null 2>&1 || die "user postgres missing (it comes with the postgresql package)"; fi
if [ ! -f "$SENTINEL" ] && [ "${N8N_E2E_OFFLINE:-}" = 1 ]; then
  die "n8n cache $N8N_E2E_CACHE missing: run 'npm run test:e2e' once (it installs n8n $N8N_VERSION there), or unset N8N_E2E_OFFLINE and this script installs it (~3-4 min, ~3 GB, npm registry)"
fi
check_prereqs
export PATH="$N24_BIN:$PATH"
ensure_n8n   # e2e/lib.sh: installs n8n once into the cache (serialised by a lock), or says "warm"
QLOG "prerequisites ok: $(redis-server --version | awk '{print $3}'), PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'), Node $(node -v)"
T_PREREQ=$SECONDS

WORK="$(mktemp -d "${TMPDIR:-/tmp}/carbon-queue.XXXXXX")"
chmod 755 "$WORK"   # Postgres runs as user postgres when we are root and must reach $WORK/pg
mkdir -p "$WORK/pids" "$WORK/logs"
PG_DATA="$WORK/pg/data"

# Every long-running process writes "$WORK/pids/<name>.pid" and runs in its own process group (setsid), so these
# kill whole groups (task runners included) — also the n8n processes the driver started. n8n first, then the
# servers it needs (infra-*: emulator, Redis; Postgres is stopped last, below), so n8n shuts down cleanly.
pidfiles() { local f; for f in "$WORK"/pids/*.pid; do [ -f "$f" ] || continue; case "$(basename "$f")" in infra-*) [ "$1" = infra ] && echo "$f" ;; pg-*) ;; *) [ "$1" = n8n ] && echo "$f" ;; esac; done; }
stop_groups() {  # stop_groups n8n|infra — SIGTERM, up to 15 s, then SIGKILL
  local kind="$1" f pid alive
  for f in $(pidfiles "$kind"); do pid="$(cat "$f")"; [ -n "$pid" ] && { kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; }; done
  for _ in $(seq 1 150); do
    alive=0
    for f in $(pidfiles "$kind"); do pid="$(cat "$f")"; [ -n "$pid" ] && kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for f in $(pidfiles "$kind"); do pid="$(cat "$f")"; [ -n "$pid" ] && kill -KILL -- "-$pid" 2>/dev/null || true; done
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_groups n8n
  stop_groups infra
  if [ -f "$PG_DATA/postmaster.pid" ]; then
    local pgpid; pgpid="$(head -1 "$PG_DATA/postmaster.pid")"
    kill -INT "$pgpid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pgpid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pgpid" 2>/dev/null || true
  fi
  [ -f "$WORK/pids/pg-postgres.pid" ] && kill -KILL -- "-$(cat "$WORK/pids/pg-postgres.pid")" 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then
    QLOG "FAILED (rc $rc). Logs kept in $WORK/logs"
    for f in main w1 w2; do
      [ -f "$WORK/logs/$f.log" ] && { echo "--- last lines of $WORK/logs/$f.log" >&2; tail -15 "$WORK/logs/$f.log" >&2; }
    done
  elif [ "${QUEUE_KEEP:-}" != 1 ]; then
    rm -rf "$WORK"
  else
    QLOG "kept $WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_bg NAME LOGFILE CMD... — own process group, pid file for cleanup.
start_bg() {
  local name="$1" logfile="$2"; shift 2
  setsid "$@" > "$logfile" 2>&1 < /dev/null &
  echo "$!" > "$WORK/pids/$name.pid"
  echo "$!"
}

# Distinct free loopback ports: alloc_port VAR (runs in this shell, so TAKEN is remembered).
TAKEN=" "
alloc_port() {
  local _port; _port="$(free_port)"
  while [[ "$TAKEN" == *" $_port "* ]]; do _port="$(free_port)"; done
  TAKEN+="$_port "; printf -v "$1" '%s' "$_port"
}

# ---------------------------------------------------------------- 2. build + pack + install (shared user folder)
QLOG "building and packing the package"
( cd "$REPO_DIR" && npm run build --silent > "$WORK/logs/build.log" 2>&1 ) || { cat "$WORK/logs/build.log" >&2; die "build failed"; }
TARBALL="$(cd "$REPO_DIR" && npm pack --silent --pack-destination "$WORK" | tail -1)"
PKG_NAME="$(node -p "require('$REPO_DIR/package.json').name")"
USER_FOLDER="$WORK/n8n-user"
install_like_n8n "$WORK/$TARBALL" "$USER_FOLDER" "$PKG_NAME"
QLOG "installed $TARBALL into $USER_FOLDER/.n8n/nodes (shared by main and every worker)"
T_PACK=$SECONDS

# ---------------------------------------------------------------- 3. Postgres, Redis, emulator
alloc_port PG_PORT; alloc_port REDIS_PORT; alloc_port EMU_PORT
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$WORK/pg"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$WORK/pg"
as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 > "$WORK/logs/initdb.log" 2>&1 \
  || { cat "$WORK/logs/initdb.log" >&2; die "initdb failed"; }
if [ "$(id -u)" = 0 ]; then
  start_bg pg-postgres "$WORK/logs/postgres.log" runuser -u postgres -- "$PG_BIN/postgres" -D "$PG_DATA" \
    -c listen_addresses=127.0.0.1 -p "$PG_PORT" -k "$WORK/pg" -c max_connections=200 -c fsync=off -c synchronous_commit=off >/dev/null
else
  start_bg pg-postgres "$WORK/logs/postgres.log" "$PG_BIN/postgres" -D "$PG_DATA" \
    -c listen_addresses=127.0.0.1 -p "$PG_PORT" -k "$WORK/pg" -c max_connections=200 -c fsync=off -c synchronous_commit=off >/dev/null
fi
REDIS_PID="$(start_bg infra-redis "$WORK/logs/redis.log" redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
  --dir "$WORK" --protected-mode yes)"
# Carbon's documented tier limits (QUEUE_RATE_LIMIT=fixedWindow|tokenBucket) are off here until queue.ts expects
# 429s: its loads send ~1,800 resyncs (10 minutes at tier 3's 180 per minute) and assert one 2xx per call.
EMU_PID="$(cd "$REPO_DIR" && start_bg infra-emulator "$WORK/logs/emulator.log" "$REPO_DIR/node_modules/.bin/ts-node" --transpile-only \
  test/emulator/cli.ts --port "$EMU_PORT" --seed 1 --size "${QUEUE_EMULATOR_SIZE:-2500}" --rate-limit "${QUEUE_RATE_LIMIT:-off}")"

deadline=$((SECONDS + 30))
until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres; do
  [ "$SECONDS" -lt "$deadline" ] || { tail -20 "$WORK/logs/postgres.log" >&2; die "Postgres did not accept connections on 127.0.0.1:$PG_PORT within 30 s"; }
  sleep 0.1
done
psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 \
  -c "CREATE USER n8n WITH PASSWORD 'n8n-queue-e2e';" -c "CREATE DATABASE n8n OWNER n8n;" > /dev/null \
  || die "could not create the n8n database"
deadline=$((SECONDS + 30))
until [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; do
  kill -0 "$REDIS_PID" 2>/dev/null || { cat "$WORK/logs/redis.log" >&2; die "redis-server exited"; }
  [ "$SECONDS" -lt "$deadline" ] || die "Redis did not answer PING on 127.0.0.1:$REDIS_PORT within 30 s"
  sleep 0.1
done
wait_for "http://127.0.0.1:$EMU_PORT/_emulator/" 60 "$EMU_PID" || { cat "$WORK/logs/emulator.log" >&2; die "Carbon emulator did not come up on port $EMU_PORT"; }
QLOG "Postgres 127.0.0.1:$PG_PORT, Redis 127.0.0.1:$REDIS_PORT, Carbon emulator 127.0.0.1:$EMU_PORT ready"
T_INFRA=$SECONDS

# ---------------------------------------------------------------- 4. the driver (starts n8n main + workers itself)
# main HTTP, then task-broker / worker-health ports for every n8n process the driver may start.
alloc_port N8N_PORT
PORTS=""; for _ in $(seq 1 12); do alloc_port NEXT_PORT; PORTS+="${PORTS:+,}$NEXT_PORT"; done
export QUEUE_WORK="$WORK" QUEUE_REPO="$REPO_DIR" N8N_BIN="$N8N_E2E_CACHE/node_modules/.bin/n8n" N8N_DIR="$N8N_E2E_CACHE" \
  QUEUE_USER_FOLDER="$USER_FOLDER" QUEUE_N8N_PORT="$N8N_PORT" QUEUE_PG_PORT="$PG_PORT" QUEUE_REDIS_PORT="$REDIS_PORT" \
  EMU_URL="http://127.0.0.1:$EMU_PORT" \
  QUEUE_PORTS="$PORTS"
"$REPO_DIR/node_modules/.bin/ts-node" --transpile-only "$REPO_DIR/e2e/queue/queue.ts"
T_TEST=$SECONDS

printf '\nQUEUE E2E PASSED — prerequisites+cache %ss, build+pack+install %ss, postgres+redis+emulator %ss, driver %ss, total %ss\n' \
  "$((T_PREREQ - T_START))" "$((T_PACK - T_PREREQ))" "$((T_INFRA - T_PACK))" "$((T_TEST - T_INFRA))" "$((SECONDS - T_START))"
