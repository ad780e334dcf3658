#!/usr/bin/env bash
# Installs what reelkit needs on Debian 12 (system packages as root, a Python
# venv, the CLI build and the models). Safe to run again: every step is
# skipped when already done.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/reelkit/target}"
VENV="${REELKIT_VENV:-$HOME/.cache/reelkit/venv}"
TOOLS="${REELKIT_TOOLS:-$HOME/.cache/reelkit/tools}"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

APT_PACKAGES=(
  pkg-config clang libclang-dev cmake
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

check_toolchains() {
  command -v cargo >/dev/null || { echo "error: Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }
  command -v python3 >/dev/null || { echo "error: python3 is required" >&2; exit 1; }
  command -v node >/dev/null || { echo "error: Node.js 20+ is required" >&2; exit 1; }
}

setup_venv() {
  if [[ ! -x "$VENV/bin/python" ]]; then
    say "creating Python venv in $VENV"
    mkdir -p "$(dirname "$VENV")"
    python3 -m venv "$VENV"
  fi
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
