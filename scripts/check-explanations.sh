#!/usr/bin/env bash
# Checks that archadvisor's explanations argue the right way (../shared/tools/check-explanations:
# the JSON report's contrast, the scaffolded README, the decision record's "because", and
# defaults that can flip a choice) on every scenario's answers and on examples/*.json.
# usage: scripts/check-explanations.sh ARCHADVISOR
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:?usage: scripts/check-explanations.sh ARCHADVISOR}
tool=../shared/tools/check-explanations
if [[ ! -f $tool ]]; then
  echo "skipped: $tool is absent (it comes with ../shared)"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" kb scenarios "$tmp/scenarios" >/dev/null
files=("$tmp"/scenarios/*.json examples/*.json)
echo "checking the explanations of ${#files[@]} answer files"
python3 "$tool" "$bin" "${files[@]}"
