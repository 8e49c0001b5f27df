#!/usr/bin/env bash
# Idempotent setup for a fresh Debian machine (run as root, or with sudo available):
# Debian packages the product and tests need, then npm dependencies. Skips what is present.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: binary that proves the package is there → package name.
declare -A NEED=(
  [ffmpeg]=ffmpeg
  [pocketsphinx_continuous]=pocketsphinx
  [espeak-ng]=espeak-ng
  [sox]=sox
  [chromium]=chromium
  [flock]=util-linux
)
missing=()
for bin in "${!NEED[@]}"; do
  command -v "$bin" >/dev/null 2>&1 || missing+=("${NEED[$bin]}")
done
# The acoustic model has no binary to look for.
[ -d /usr/share/pocketsphinx/model/en-us ] || missing+=(pocketsphinx-en-us)
# A CJK font, so the headless chromium of the E2E tests draws the viewer's Chinese commands in
# its screenshots (4.5 MB; without it they are empty boxes).
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: Debian packages present"
fi

# npm dependencies: `npm ci` when the lockfile and node_modules disagree, else nothing.
# The optional @tensorflow/tfjs-node(-gpu) packages download libtensorflow at install; where that
# fails (no internet but npm) npm drops them and the runtime falls back to wasm.
stamp=node_modules/.setup-lock-sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
else
  echo "setup: node_modules up to date"
fi
# The PyTorch training engine (libs/trainer-torch; never needed at run time): a virtual environment
# with the CPU wheel the machine image ships in /opt/wheels, else torch from the package index.
# Optional: where it cannot be installed, that project's tests are reported as skipped.
venv=.venv-torch
pyreq="numpy pillow pytest ruff mypy"
pystamp="$venv/.setup-ok"
if [ ! -f "$pystamp" ] || [ "$(cat "$pystamp")" != "$pyreq" ]; then
  wheel=$(ls /opt/wheels/torch-*+cpu-*.whl 2>/dev/null | head -n 1 || true)
  echo "setup: PyTorch trainer venv ($venv: ${wheel:-torch} $pyreq)"
  if python3 -m venv "$venv" && "$venv/bin/pip" install -q --retries 0 --timeout 20 "${wheel:-torch}" $pyreq; then
    echo "$pyreq" > "$pystamp"
  else
    echo "setup: WARNING: could not install PyTorch into $venv; trainer-torch tests will be skipped"
  fi
else
  echo "setup: PyTorch trainer venv up to date"
fi
echo "setup: done"
