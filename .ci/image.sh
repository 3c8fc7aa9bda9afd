#!/usr/bin/env bash
# Build the container image without any image registry: a Debian base made here with debootstrap, then podman build.
# Usage: .ci/image.sh build   — build erp-settings:<version> and erp-settings:latest (run `make frontend` first)
#        .ci/image.sh base    — only make the base image localhost/debian:bookworm-minbase when it does not exist
#        .ci/image.sh name    — print the versioned image name
set -euo pipefail
cd "$(dirname "$0")/.."

BASE_IMAGE=localhost/debian:bookworm-minbase
SUITE=bookworm
# What the build adds to the context for the builder stage (git ignores build/); removed after the build.
GENERATED=build/image
BUILD_LOG=test-output/image/build.log

log() { echo "== image: $*" >&2; }
fail() { echo "image: $*" >&2; exit 1; }

version() { python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])'; }

ensure_tools() {
  command -v podman >/dev/null 2>&1 && command -v debootstrap >/dev/null 2>&1 && return 0
  log "installing podman and debootstrap"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman debootstrap >/dev/null
}

# The URI of apt's own Debian source for SUITE (or SUITE-security with "security"), from both formats apt reads:
# one-line `deb [options] URI SUITE COMPONENTS` in *.list, and deb822 paragraphs (Types/URIs/Suites) in *.sources.
debian_source() {
  local wanted=$SUITE${1:+-$1} file files=()
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] && files+=("$file")
  done
  [ ${#files[@]} -gt 0 ] || return 0
  awk -v wanted="$wanted" '
    function flush() {
      if (types ~ /(^| )deb( |$)/ && enabled != "no" && (" " suites " ") ~ (" " wanted " ") && uris != "") {
        split(uris, u, " "); print u[1]; found = 1; exit
      }
      types = ""; uris = ""; suites = ""; enabled = ""
    }
    FNR == 1 { flush() }
    /^[[:space:]]*#/ { next }
    FILENAME ~ /\.sources$/ {
      if ($0 ~ /^[[:space:]]*$/) { flush(); next }
      key = tolower($1); sub(/:$/, "", key); value = $0; sub(/^[^:]*:[[:space:]]*/, "", value)
      if (key == "types") types = value; else if (key == "uris") uris = value
      else if (key == "suites") suites = value; else if (key == "enabled") enabled = tolower(value)
      next
    }
    $1 == "deb" {
      i = 2
      if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
      if ($(i + 1) == wanted) { print $i; found = 1; exit }
    }
    END { if (!found) flush() }
  ' "${files[@]}"
}

ensure_base() {
  if podman image exists "$BASE_IMAGE"; then
    log "base $BASE_IMAGE exists"
    return 0
  fi
  local mirror security rootfs
  mirror=$(debian_source)
  [ -n "$mirror" ] || fail "no Debian $SUITE source in /etc/apt/sources.list or /etc/apt/sources.list.d"
  security=$(debian_source security)
  rootfs=$(mktemp -d /tmp/erp-settings-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"; trap - RETURN' RETURN
  log "debootstrap --variant=minbase $SUITE from $mirror"
  debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >/dev/null \
    || fail "debootstrap failed; see $rootfs/debootstrap/debootstrap.log"
  # The same suites apt uses here (updates and security too), so the image's apt-get upgrade gets the fixes.
  {
    echo "deb $mirror $SUITE main"
    echo "deb $mirror $SUITE-updates main"
    [ -z "$security" ] || echo "deb $security $SUITE-security main"
  } >"$rootfs/etc/apt/sources.list"
  # Slim, as Debian's own slim images: no manuals, documentation (copyrights stay) or translations, neither now nor
  # from the packages the image installs later.
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
DPKG
  find "$rootfs/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/lintian/*
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/debootstrap
  log "podman import as $BASE_IMAGE"
  tar -C "$rootfs" -c . | podman import --quiet - "$BASE_IMAGE" >/dev/null
}

# pip's index settings of this machine that reach a registry over the network (a local file:// index or find-links
# folder does not exist inside the build), as a pip.conf for the builder stage.
write_pip_conf() {
  python3 - "$1" <<'PY'
import subprocess
import sys

keep = {"index-url", "extra-index-url", "trusted-host", "timeout", "default-timeout", "retries"}
found: dict[str, str] = {}
listing = subprocess.run(["python3", "-m", "pip", "config", "list"], capture_output=True, text=True).stdout
for line in listing.splitlines():
    scope_key, _, value = line.partition("=")
    key = scope_key.rsplit(".", 1)[-1]
    value = value.strip().strip("'\"")
    if key in {"index-url", "extra-index-url"}:
        value = " ".join(v for v in value.split() if v.startswith(("http://", "https://")))
    if key in keep and value:
        found["timeout" if key == "default-timeout" else key] = value
with open(sys.argv[1], "w") as conf:
    conf.write("[global]\n" + "".join(f"{k} = {v}\n" for k, v in sorted(found.items())))
PY
}

# The project's dependencies as pyproject.toml pins them, for a layer of their own.
write_requirements() {
  python3 -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' >"$1"
}

# The versions the tests ran with (the project's venv), so the image holds exactly those; the project's own
# dependencies are pinned in pyproject.toml either way.
write_constraints() {
  if [ -x .venv/bin/python ]; then
    .venv/bin/python -m pip freeze --exclude-editable 2>/dev/null | grep -E '^[A-Za-z0-9_.-]+==' >"$1" || true
  else
    : >"$1"
  fi
}

host_ca_bundle() {
  local candidate
  for candidate in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/cert.pem; do
    [ -s "$candidate" ] && { echo "$candidate"; return 0; }
  done
  fail "no system CA bundle found for pip inside the build"
}

build() {
  [ -f frontend/dist/index.html ] || fail "frontend/dist is not built: run \`make frontend\` first"
  ensure_tools
  ensure_base
  local image
  image=erp-settings:$(version)
  trap 'rm -rf "$GENERATED"; rmdir build 2>/dev/null || true' EXIT
  mkdir -p "$GENERATED"
  cp "$(host_ca_bundle)" "$GENERATED/ca.crt"
  write_pip_conf "$GENERATED/pip.conf"
  write_requirements "$GENERATED/requirements.txt"
  write_constraints "$GENERATED/constraints.txt"
  mkdir -p "$(dirname "$BUILD_LOG")"
  log "podman build $image (log: $BUILD_LOG)"
  podman build --isolation chroot --layers --pull=never --build-arg "BASE_IMAGE=$BASE_IMAGE" \
    -t "$image" -t erp-settings:latest . >"$BUILD_LOG" 2>&1 \
    || { tail -n 40 "$BUILD_LOG" >&2; fail "podman build failed; the whole log: $BUILD_LOG"; }
  podman image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' "$image" >&2
}

case "${1:-build}" in
  build) build ;;
  base) ensure_tools && ensure_base ;;
  name) echo "erp-settings:$(version)" ;;
  *) fail "usage: $0 build|base|name" ;;
esac
