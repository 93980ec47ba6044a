#!/usr/bin/env bash
# Runs every parser's native Go fuzz target for a bounded time (FUZZTIME,
# default 10s each). `make test` calls it after the unit tests; each target's
# seed corpus also runs in the ordinary `go test`.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME="${FUZZTIME:-10s}"
# package              target
targets=(
  "./internal/hl7v2     FuzzParse"
  "./cdm/vocab          FuzzSniff"
  "./ingest             FuzzAppendValue"
  "./ingest/debezium    FuzzDecode"
  "./ingest/debezium    FuzzMembers"
  "./ingest/fhir        FuzzResource"
  "./ingest/hl7         FuzzFrame"
  "./ingest/hl7         FuzzMessage"
  "./ingest/hl7         FuzzScanner"
)
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  echo "fuzz: $name in $pkg for $FUZZTIME"
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime 2s "$pkg"
done
