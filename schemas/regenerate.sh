#!/usr/bin/env bash
# Regenerate schemas/v4 and schemas/v3.7 from the hera releases that carry Argo's models.
# Needs only Python and access to PyPI; the virtualenvs are temporary.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for pair in "v4 7.1.0" "v3.7 6.0.0"; do
  set -- $pair
  python3 -m venv "$tmp/$1"
  "$tmp/$1/bin/pip" install -q "hera==$2"
  "$tmp/$1/bin/python" "$here/generate.py" "$1"
done
