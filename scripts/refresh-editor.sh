#!/usr/bin/env bash
# Re-derive the whole editor from the current GAN run, in order:
#   1. export the run's EMA generator to models/default/generator (float16)
#   2. train the inversion encoder for it            (~45 min on 2 cores)
#   2b. continue it to step 3500 with half its batch renders (dataFraction 0.5), as the shipped
#      encoder was (session 5: held-out MSE 0.0535 → 0.0447)   (~25 min)
#   3. joint-train the residual and patent variants  (~5 min each)
#   4. captioner-optimised offsets for 3072 edit pairs (~40 min: two processes, one core each)
#      and the distilled residual variant (~15 min)
#   4b. one captioner-optimised direction per single edit (~18 min, two processes) and the
#      atom-distilled residual variant, which becomes the default (~15 min)
#   5. evaluate them against InterFaceGAN            (~3 min) → docs/editor-report.{md,json}
# The editor bundle pins the generator's sha256, so after step 1 the server refuses the old bundle
# until steps 2–3 finish: run it in a separate worktree when the main tree must stay usable.
#
# Usage: bash scripts/refresh-editor.sh [training/gan-default]
#        bash scripts/refresh-editor.sh --continue [run]   after a kill (or at the next session):
#          finished steps are skipped (marks in tmp/refresh-editor/), the interrupted one resumes
#          with --resume. A continue refuses a run whose generator is not the one it started with.
set -euo pipefail
cd "$(dirname "$0")/.."
CONTINUE=0
if [ "${1:-}" = "--continue" ]; then CONTINUE=1; shift; fi
RUN="${1:-training/gan-default}"
TSX=node_modules/.bin/tsx
MARK=tmp/refresh-editor
STEP=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$RUN/generator/manifest.json','utf8')).provenance.steps)")
SHA=$(sha256sum "$RUN/generator/weights.bin" | cut -c1-64)
if [ "$CONTINUE" = 1 ]; then
  [ -f "$MARK/generator.sha256" ] || { echo "refresh-editor: nothing to continue ($MARK/generator.sha256 missing)" >&2; exit 2; }
  [ "$(cat "$MARK/generator.sha256")" = "$SHA" ] || { echo "refresh-editor: $MARK was started for another generator than $RUN's; start afresh without --continue" >&2; exit 2; }
  echo "refresh-editor: continuing for $RUN at step $STEP (done: $(cd "$MARK" && ls ./*.done 2>/dev/null | tr '\n' ' '))"
else
  echo "refresh-editor: generator from $RUN at step $STEP"
  rm -rf "$MARK" training/encoder-run training/editor-residual training/editor-patent training/editor-residual-distill \
    training/edit-targets training/edit-targets-atoms training/editor-residual-atoms
  mkdir -p "$MARK"
  echo "$SHA" > "$MARK/generator.sha256"
fi

# step NAME FUNCTION: skip a step marked done; RESUME holds --resume when the step had started before.
step() {
  if [ -f "$MARK/$1.done" ]; then echo "refresh-editor: $1 done already"; return 0; fi
  RESUME=()
  if [ -f "$MARK/$1.started" ]; then RESUME=(--resume); fi
  touch "$MARK/$1.started"
  echo "refresh-editor: $1 ${RESUME[*]}"
  "$2"
  touch "$MARK/$1.done"
}

export_generator() {
  $TSX libs/trainer/src/cli/export-generator.ts --from "$RUN/generator" --out models/default/generator \
    --note "snapshot of $RUN at step $STEP; models/default/editor was retrained for exactly these weights by scripts/refresh-editor.sh"
}
encoder() { $TSX libs/trainer/src/cli/train-encoder.ts --out models/default/editor/encoder --work training/encoder-run --steps 2000 "${RESUME[@]}"; }
encoder_more() {
  node -e "const f='training/encoder-run/config.json',fs=require('fs'),j=JSON.parse(fs.readFileSync(f,'utf8'));j.dataFraction=0.5;fs.writeFileSync(f,JSON.stringify(j,null,2)+'\n')"
  $TSX libs/trainer/src/cli/train-encoder.ts --out models/default/editor/encoder --work training/encoder-run --steps 3500 --resume
}
residual() { $TSX libs/trainer/src/cli/train-editor.ts --out models/default/editor --mode residual "${RESUME[@]}"; }
patent() { $TSX libs/trainer/src/cli/train-editor.ts --out models/default/editor --mode patent "${RESUME[@]}"; }
# two processes, one core each; the first creates targets.json, the second adds to it
two_parts() {
  local out=$1; shift
  local first=()
  if [ -f "$out/targets.json" ]; then first=(--resume); fi
  $TSX libs/trainer/src/cli/make-edit-targets.ts --out "$out" "$@" --part 0/2 "${first[@]}" &
  local pid=$!
  until [ -f "$out/targets.json" ]; do
    kill -0 "$pid" 2>/dev/null || { wait "$pid"; echo "refresh-editor: make-edit-targets part 0 ended before writing $out/targets.json" >&2; return 1; }
    sleep 1
  done
  $TSX libs/trainer/src/cli/make-edit-targets.ts --out "$out" "$@" --part 1/2 --resume
  wait "$pid"
}
targets() { two_parts training/edit-targets --pairs 3072; }
distill() {
  $TSX libs/trainer/src/cli/train-editor.ts --out models/default/editor --work training/editor-residual-distill \
    --config training/editor-distill.json --variant residual-distill "${RESUME[@]}"
}
atom_targets() { two_parts training/edit-targets-atoms --pairs 1088 --config training/edit-targets-atoms.json; }
atoms() {
  $TSX libs/trainer/src/cli/train-editor.ts --out models/default/editor --work training/editor-residual-atoms \
    --config training/editor-distill-atoms.json --variant residual-atoms "${RESUME[@]}"
  node -e "const f='models/default/editor/editor.json',fs=require('fs'),j=JSON.parse(fs.readFileSync(f,'utf8'));j.defaultFusion='residual-atoms';fs.writeFileSync(f,JSON.stringify(j,null,2)+'\n')"
}
report() {
  $TSX libs/trainer/src/cli/eval-editor.ts --faces 200 --paired --delta --localize --local-replace --atoms training/edit-targets-atoms \
    --out docs/editor-report.json --md docs/editor-report.md
}

step 1-export-generator export_generator
step 2-encoder encoder
step 2b-encoder-3500 encoder_more
step 3a-residual residual
step 3b-patent patent
step 4-edit-targets targets
step 4-distill distill
step 4b-atom-targets atom_targets
step 4b-atoms atoms
step 5-report report
echo "refresh-editor: done; check docs/editor-report.md and the default variant in models/default/editor/editor.json"
