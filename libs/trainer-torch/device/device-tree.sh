#!/usr/bin/env bash
# The device tool sends the whole working tree (at most 64 MiB with what `carry` names), and the
# committed runs and models are larger than that. For the length of one device call, move them
# aside (everything under training/ except the run the GPU continues, and models/), then back:
#   bash libs/trainer-torch/device/device-tree.sh hold training/gan-torch
#   … device run …
#   bash libs/trainer-torch/device/device-tree.sh restore
# Stop background jobs that write to training/ or models/ first. `restore` is safe to repeat.
set -euo pipefail
cd "$(dirname "$0")/../../.."
HOLD=/tmp/lfe-device-hold
case "${1:-}" in
  hold)
    keep="${2:?usage: device-tree.sh hold <run dir to keep, e.g. training/gan-torch>}"
    keep="${keep%/}"
    [ -d "$keep" ] || { echo "device-tree: $keep is not a folder" >&2; exit 2; }
    if [ -s "$HOLD/list" ]; then echo "device-tree: $HOLD/list exists: restore first" >&2; exit 2; fi
    mkdir -p "$HOLD"
    : > "$HOLD/list"
    for p in training/* models; do
      [ "$p" = "$keep" ] && continue
      [ -e "$p" ] || continue
      mkdir -p "$HOLD/$(dirname "$p")"
      mv "$p" "$HOLD/$p"
      echo "$p" >> "$HOLD/list"
    done
    echo "device-tree: held $(wc -l < "$HOLD/list") paths in $HOLD; tree now:"
    { git ls-files -z | xargs -0 du -cb 2>/dev/null || true; } | tail -1
    ;;
  restore)
    [ -f "$HOLD/list" ] || { echo "device-tree: nothing held"; exit 0; }
    while read -r p; do
      [ -e "$HOLD/$p" ] || continue
      if [ -e "$p" ]; then echo "device-tree: $p exists in the tree and in $HOLD; left both" >&2; continue; fi
      mkdir -p "$(dirname "$p")"
      mv "$HOLD/$p" "$p"
    done < "$HOLD/list"
    rm -f "$HOLD/list"
    echo "device-tree: restored"
    ;;
  *) echo "usage: device-tree.sh hold <run dir> | restore" >&2; exit 2 ;;
esac
