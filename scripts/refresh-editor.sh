#!/usr/bin/env bash
# Re-derive the whole editor from the current GAN run, in order (each step is resumable on its own):
#   1. export the run's EMA generator to models/default/generator (float16)
#   2. train the inversion encoder for it            (~45 min on 2 cores)
#   3. joint-train the residual and patent variants  (~5 min each)
#   4. captioner-optimised offsets for 3072 edit pairs (~40 min: two processes, one core each)
#      and the distilled residual variant (~15 min)
#   4b. one captioner-optimised direction per single edit (~18 min, two processes) and the
#      atom-distilled residual variant, which becomes the default (~15 min)
#   5. evaluate them against InterFaceGAN            (~3 min) → docs/editor-report.{md,json}
# The editor bundle pins the generator's sha256, so after step 1 the server refuses the old bundle
# until steps 2–3 finish. Usage: bash scripts/refresh-editor.sh [training/gan-default]
set -euo pipefail
cd "$(dirname "$0")/.."
RUN="${1:-training/gan-default}"
TSX=node_modules/.bin/tsx
STEP=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$RUN/generator/manifest.json','utf8')).provenance.steps)")
echo "refresh-editor: generator from $RUN at step $STEP"
$TSX libs/trainer/src/cli/export-generator.ts --from "$RUN/generator" --out models/default/generator \
  --note "snapshot of $RUN at step $STEP; models/default/editor was retrained for exactly these weights by scripts/refresh-editor.sh"
rm -rf training/encoder-run training/editor-residual training/editor-patent training/editor-residual-distill training/edit-targets \
  training/edit-targets-atoms training/editor-residual-atoms
$TSX libs/trainer/src/cli/train-encoder.ts --out models/default/editor/encoder --work training/encoder-run --steps 2000
$TSX libs/trainer/src/cli/train-editor.ts --out models/default/editor --mode residual
$TSX libs/trainer/src/cli/train-editor.ts --out models/default/editor --mode patent
$TSX libs/trainer/src/cli/make-edit-targets.ts --out training/edit-targets --pairs 3072 --part 0/2 &
until [ -f training/edit-targets/targets.json ]; do sleep 1; done
$TSX libs/trainer/src/cli/make-edit-targets.ts --out training/edit-targets --pairs 3072 --part 1/2 --resume
wait
$TSX libs/trainer/src/cli/train-editor.ts --out models/default/editor --work training/editor-residual-distill \
  --config training/editor-distill.json --variant residual-distill
$TSX libs/trainer/src/cli/make-edit-targets.ts --out training/edit-targets-atoms --pairs 1088 \
  --config training/edit-targets-atoms.json --part 0/2 &
until [ -f training/edit-targets-atoms/targets.json ]; do sleep 1; done
$TSX libs/trainer/src/cli/make-edit-targets.ts --out training/edit-targets-atoms --pairs 1088 --resume --part 1/2
wait
$TSX libs/trainer/src/cli/train-editor.ts --out models/default/editor --work training/editor-residual-atoms \
  --config training/editor-distill-atoms.json --variant residual-atoms
node -e "const f='models/default/editor/editor.json',fs=require('fs'),j=JSON.parse(fs.readFileSync(f,'utf8'));j.defaultFusion='residual-atoms';fs.writeFileSync(f,JSON.stringify(j,null,2)+'\n')"
$TSX libs/trainer/src/cli/eval-editor.ts --faces 200 --paired --delta --localize --atoms training/edit-targets-atoms \
  --out docs/editor-report.json --md docs/editor-report.md
echo "refresh-editor: done; check docs/editor-report.md and the default variant in models/default/editor/editor.json"
