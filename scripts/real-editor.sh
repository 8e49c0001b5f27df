#!/usr/bin/env bash
# The method on real faces (issue "Real faces, part 3"), from the committed real-face generator
# (training/gan-real/generator) and inversion encoder (training/encoder-real/encoder), in order:
#   1. captions of the real train and validation faces from their CelebA labels (tmp/real-captions, 3 s)
#   2. the CNN + LSTM captioner grounded on them (PyTorch engine; ~55 min alone on 2 cores)
#   3. one captioner-optimised direction per real atom on real train faces (27 atoms × 2 groups of 16
#      faces), held by the GAN's own discriminator to stay as realistic as the reconstruction
#      (training/edit-targets-real-critic.json; two processes, one core each, ~40 min)
#   3b. directions for eye size and hair length from their measured values (no caption states them;
#      3000 inverted train faces, ~2 min)
#   4. the atom-distilled fusion, residual (the default) and the patent's tanh(A·w + B·f + b) (~15 min each)
#   5. the bundle models/real/{generator,captioner,editor/{encoder,residual,patent}}
#   6. eval-editor --world real on the test split with the InterFaceGAN baseline → docs/realface-editor.{md,json}
# Each finished step leaves a mark in tmp/real-editor/; run the script again to continue after a
# kill (the interrupted step resumes). Delete tmp/real-editor/ to start over.
#
# Usage: bash scripts/real-editor.sh [--faces N] [--data DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
FACES=1500
DATA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --faces) FACES="$2"; shift 2 ;;
    --data) DATA=(--data "$2"); shift 2 ;;
    -h|--help) sed -n 2,16p "$0"; exit 0 ;;
    *) echo "real-editor: unknown option $1" >&2; exit 2 ;;
  esac
done
TSX=node_modules/.bin/tsx
PY="bash libs/trainer-torch/py.sh run"
MARK=tmp/real-editor
mkdir -p "$MARK"
step() { [ -f "$MARK/$1.done" ]; }
done_() { touch "$MARK/$1.done"; echo "real-editor: $1 done ($(date -u +%H:%M))"; }

if ! step captions; then
  $TSX libs/trainer/src/cli/real-captions.ts --out tmp/real-captions/train.jsonl "${DATA[@]}"
  $TSX libs/trainer/src/cli/real-captions.ts --split validation --per-face 4 --out tmp/real-captions/validation.jsonl "${DATA[@]}"
  done_ captions
fi

if ! step captioner; then
  RESUME=(); [ -d tmp/captioner-real-run ] && RESUME=(--resume)
  $PY train_captioner --captions tmp/real-captions/train.jsonl --val-captions tmp/real-captions/validation.jsonl \
    --out training/captioner-real/captioner --work tmp/captioner-real-run --steps 11000 "${RESUME[@]}" "${DATA[@]}"
  done_ captioner
fi

if ! step targets; then
  RESUME=(); [ -f training/edit-targets-real-critic/targets.json ] && RESUME=(--resume)
  $TSX libs/trainer/src/cli/make-edit-targets.ts --out training/edit-targets-real-critic --pairs 896 \
    --config training/edit-targets-real-critic.json --part 0/2 "${RESUME[@]}" "${DATA[@]}" &
  sleep 20 # the first process writes targets.json; the second resumes into the same folder
  $TSX libs/trainer/src/cli/make-edit-targets.ts --out training/edit-targets-real-critic --pairs 896 --part 1/2 --resume "${DATA[@]}"
  wait
  done_ targets
fi

if ! step measured; then
  $TSX libs/trainer/src/cli/measured-atoms.ts --out training/edit-targets-real/measured-atoms --faces 3000 "${DATA[@]}"
  done_ measured
fi

for v in residual patent; do
  if ! step "fusion-$v"; then
    # Both learn the critic-held directions (the shipped patent fusion was trained on the earlier,
    # critic-free ones: its manifest says so).
    CFG=training/editor-distill-real-critic.json; WORK=training/editor-real-critic-residual
    [ "$v" = patent ] && CFG=training/editor-distill-real-patent.json && WORK=training/editor-real-patent
    RESUME=(); [ -d "$WORK/state" ] && RESUME=(--resume)
    $TSX libs/trainer/src/cli/train-editor.ts --out models/real/editor --work "$WORK" \
      --config "$CFG" --variant "$v" "${RESUME[@]}" "${DATA[@]}"
    done_ "fusion-$v"
  fi
done

if ! step bundle; then
  rm -rf models/real/generator models/real/captioner models/real/editor/encoder
  cp -r training/gan-real/generator models/real/generator
  cp -r training/captioner-real/captioner models/real/captioner
  cp -r training/encoder-real/encoder models/real/editor/encoder
  done_ bundle
fi

if ! step eval; then
  $TSX libs/trainer/src/cli/eval-editor.ts --world real --editor models/real/editor --generator models/real/generator \
    --captioner models/real/captioner --identity models/real/identity.json --faces "$FACES" --refine-edit 0 \
    --variants patent --ifg-samples 6000 --out docs/realface-editor.json --md docs/realface-editor.md "${DATA[@]}"
  done_ eval
fi
