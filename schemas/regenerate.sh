#!/usr/bin/env bash
# Regenerate schemas/v4 (Argo Workflows 4.1.2) and schemas/v3.7 (3.7.18) from Argo's own release files:
# each release's published schema.json, full CRDs, LICENSE and PROVENANCE.
#
# Usage: schemas/regenerate.sh [UPSTREAM_ROOT [OUT_ROOT]]
#   UPSTREAM_ROOT  holds argo-workflows-v4.1.2/ and argo-workflows-v3.7.18/ (default: ../shared/upstream
#                  beside the repository)
#   OUT_ROOT       receives v4/ and v3.7/ (default: schemas/)
# Needs Python with ruamel.yaml (a wfctl dependency); set PYTHON to choose the interpreter.
# The output depends only on the input files: regenerating from the same release gives identical files.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
upstream=${1:-$here/../../shared/upstream}
out=${2:-$here}
python=${PYTHON:-python3}
for pair in "v4 4.1.2" "v3.7 3.7.18"; do
  set -- $pair
  "$python" "$here/generate.py" "$1" --upstream "$upstream/argo-workflows-v$2" --out "$out/$1"
done
