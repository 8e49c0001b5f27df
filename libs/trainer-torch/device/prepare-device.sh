#!/usr/bin/env bash
# Pack what lfe_torch/train_gan.py needs (synthetic world) on a GPU machine that has Python + PyTorch but no node_modules:
#   bash libs/trainer-torch/device/prepare-device.sh [out dir, default .devcarry]
# <out>/render-chunk.mjs  the repo's renderer, bundled (no dependencies)
# <out>/node.xz           this machine's node binary, xz-compressed (decompressed there with python's lzma)
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
out="${1:-$root/.devcarry}"
mkdir -p "$out"
"$root/node_modules/.bin/esbuild" "$root/libs/trainer/src/gan/torch/render-chunk.ts" --bundle --platform=node --format=esm --log-level=warning --outfile="$out/render-chunk.mjs"
[ -f "$out/node.xz" ] || xz -9 -T2 -c "$(command -v node)" > "$out/node.xz"
du -sh "$out"/*
