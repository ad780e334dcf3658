#!/usr/bin/env bash
# Installs what reelkit needs on a fresh Debian 12 (system packages as root
# or through sudo, a Python venv, the CLI build and the models). Safe to run
# again: every step is skipped when already done, so a second run takes
# seconds.
#
# Required toolchains (checked, not assumed; each failure says what to do):
#   Rust   >= 1.85 (the workspace's rust-version; rustup.rs installs it)
#   Python >= 3.11 (the pinned dev tools and the ONNX Runtime wheel are cp311+;
#                   Debian 12 ships 3.11)
#   Node   >= 20   (the Node binding; Debian 12's nodejs is 18, so install
#                   Node 20+ from nodejs.org or NodeSource)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reelkit/target}"
VENV="${REELKIT_VENV:-$HOME/.cache/reelkit/venv}"
TOOLS="${REELKIT_TOOLS:-$HOME/.cache/reelkit/tools}"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

RUST_MIN=1.85
PYTHON_MIN=3.11
NODE_MIN=20

APT_PACKAGES=(
  # C/C++ toolchain: whisper.cpp (cmake), bindgen for FFmpeg (libclang), cc crates.
  build-essential pkg-config clang libclang-dev cmake git ca-certificates curl
  # Python venv and headers for the dev tools and the Python binding.
  python3 python3-venv python3-dev python3-pip
  # FFmpeg libraries (ffmpeg-next) and CLI.
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev
  libavfilter-dev libavdevice-dev
  ffmpeg espeak-ng libespeak-ng-dev
  melt
  postgresql
)

install_system_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    return
  fi
  say "installing system packages: ${missing[*]}"
  local sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

fail() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Whether version $1 is at least $2 (dotted numbers).
at_least() { [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]; }

check_toolchains() {
  local v
  command -v cargo >/dev/null && command -v rustc >/dev/null \
    || fail "Rust $RUST_MIN or newer is required and was not found: install it from https://rustup.rs"
  v="$(rustc --version | awk '{print $2}')"
  at_least "${v%%-*}" "$RUST_MIN" || fail "Rust $RUST_MIN or newer is required, found $v: run \`rustup update stable\`"

  command -v python3 >/dev/null || fail "Python $PYTHON_MIN or newer is required and python3 was not found"
  v="$(python3 -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
  at_least "$v" "$PYTHON_MIN" || fail "Python $PYTHON_MIN or newer is required, found $v"
  python3 -c 'import venv, ensurepip' 2>/dev/null \
    || fail "python3 cannot create virtual environments: install python3-venv (apt-get install python3-venv)"

  command -v node >/dev/null || fail "Node.js $NODE_MIN or newer is required and was not found (Debian 12's nodejs is 18: use nodejs.org or NodeSource)"
  v="$(node --version)"; v="${v#v}"
  at_least "$v" "$NODE_MIN" || fail "Node.js $NODE_MIN or newer is required, found $v (Debian 12's nodejs is 18: use nodejs.org or NodeSource)"
  command -v npm >/dev/null || fail "npm is required with Node.js $NODE_MIN (it ships with nodejs.org's builds)"
}

setup_venv() {
  if [[ ! -x "$VENV/bin/python" ]]; then
    say "creating Python venv in $VENV"
    mkdir -p "$(dirname "$VENV")"
    python3 -m venv "$VENV"
  fi
  local v
  v="$("$VENV/bin/python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
  at_least "$v" "$PYTHON_MIN" || fail "the venv $VENV has Python $v; $PYTHON_MIN or newer is required (remove it and run again)"
  # Reinstall only when the pinned requirements change.
  local want have
  want="$(sha256sum "$ROOT/scripts/requirements-dev.txt" | cut -d' ' -f1)"
  have="$(cat "$VENV/.reelkit-requirements" 2>/dev/null || true)"
  if [[ "$want" != "$have" ]]; then
    say "installing Python tools"
    "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/scripts/requirements-dev.txt"
    echo "$want" >"$VENV/.reelkit-requirements"
  fi
}

build_cli() {
  say "building the reelkit CLI (target dir $CARGO_TARGET_DIR)"
  (cd "$ROOT" && cargo build -q -p reelkit-cli)
}

# A real S3 server for the reference server's tests (SigV4 checked).
install_s3_server() {
  if [[ -x "$TOOLS/bin/s3s-fs" ]] || command -v s3s-fs >/dev/null; then
    return
  fi
  say "installing s3s-fs (S3 server for the server tests) into $TOOLS"
  env -u CARGO_TARGET_DIR cargo install -q --locked --root "$TOOLS" s3s-fs --version 0.14.1 --features binary
}

fetch_models() {
  say "fetching models into ${REELKIT_MODELS:-$HOME/.cache/reelkit/models}"
  "$CARGO_TARGET_DIR/debug/reelkit" models fetch
}

install_system_packages
check_toolchains
setup_venv
build_cli
install_s3_server
fetch_models
say "setup done"
