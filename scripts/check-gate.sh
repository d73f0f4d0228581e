#!/usr/bin/env bash
# Checks `archadvisor check` output with real third-party tools: the SARIF against the OASIS
# SARIF 2.1.0 schema (../shared/validators/schemas/sarif) with jsonschema, and the JUnit XML
# with Python's XML parser, on the example portfolio (examples/portfolio), with the guidance
# alone and with the example organisation rule pack (examples/org-rules).
# usage: scripts/check-gate.sh ARCHADVISOR
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:?usage: scripts/check-gate.sh ARCHADVISOR}
schema=../shared/validators/schemas/sarif/sarif-schema-2.1.0.json
if [[ ! -f $schema ]]; then
  echo "skipped: $schema is absent (it comes with ../shared)"
  exit 0
fi
# The validators' cache venv has jsonschema once check-project.sh has run; else make one.
venv=${ARCHADVISOR_VALIDATORS_VENV:-$HOME/.cache/archadvisor-validators}
py=$venv/bin/python
if ! "$py" -c 'import jsonschema' 2>/dev/null; then
  venv=$HOME/.cache/archadvisor-gate
  [[ -x $venv/bin/python ]] || python3 -m venv "$venv"
  "$venv/bin/python" -c 'import jsonschema' 2>/dev/null || "$venv/bin/python" -m pip install -q --disable-pip-version-check jsonschema==4.26.0
  py=$venv/bin/python
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
"$bin" check --format sarif --today 2026-12-01 examples/portfolio > "$tmp/out.sarif" || status=$?
[[ $status == 1 ]] || { echo "check --format sarif exited $status, expected 1 (the portfolio has errors)"; exit 1; }
"$bin" check --format junit --today 2026-12-01 examples/portfolio > "$tmp/out.xml" || true
"$bin" check --format json --today 2026-12-01 examples/portfolio > "$tmp/out.json" || true
"$bin" kb schema --check > "$tmp/check.schema.json"
# The same with the example organisation rule pack layered over the guidance.
pack=(--rules examples/org-rules)
"$bin" check --format sarif --today 2026-12-01 "${pack[@]}" examples/portfolio > "$tmp/pack.sarif" || true
"$bin" check --format junit --today 2026-12-01 "${pack[@]}" examples/portfolio > "$tmp/pack.xml" || true
"$bin" check --format json --today 2026-12-01 "${pack[@]}" examples/portfolio > "$tmp/pack.json" || true
"$bin" kb schema --check "${pack[@]}" > "$tmp/pack.schema.json"
"$py" - "$schema" "$tmp" <<'PY'
import json, sys
import xml.etree.ElementTree as ET
import jsonschema
schema, tmp = json.load(open(sys.argv[1])), sys.argv[2]
for name, label in [("out", "guidance"), ("pack", "with rule pack examples/org-rules")]:
    sarif = json.load(open(f"{tmp}/{name}.sarif"))
    report_schema = json.load(open(f"{tmp}/{'check' if name == 'out' else 'pack'}.schema.json"))
    jsonschema.Draft202012Validator.check_schema(report_schema)
    jsonschema.Draft202012Validator(report_schema).validate(json.load(open(f"{tmp}/{name}.json")))
    jsonschema.validate(sarif, schema, cls=jsonschema.Draft7Validator if "draft-07" in schema.get("$schema", "") else None)
    results = sarif["runs"][0]["results"]
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert all(r.get("partialFingerprints") for r in results), "every result has partialFingerprints"
    policies = [r for r in results if r["ruleId"].startswith("policy/")]
    if name == "pack":
        assert policies, "the pack's policies give findings on the portfolio"
        assert all(r.get("helpUri") for r in rules if r["id"].startswith("policy/")), "policy rules link their ADR"
    else:
        assert not policies, "no policy findings without a pack"
    root = ET.parse(f"{tmp}/{name}.xml").getroot()
    assert root.tag == "testsuites", root.tag
    suites = root.findall("testsuite")
    cases = root.findall("testsuite/testcase")
    assert int(root.get("tests")) == len(cases), "declared tests match the testcases"
    print(f"check-gate ({label}): check --format json valid against kb schema --check")
    print(f"check-gate ({label}): SARIF valid against the 2.1.0 schema ({len(results)} results, {len(policies)} policy/, "
          f"{len(rules)} rules); JUnit parsed: {len(suites)} suites, {len(cases)} cases, "
          f"{len(root.findall('testsuite/testcase/failure'))} failures, {len(root.findall('testsuite/testcase/skipped'))} skipped")
PY
