#!/usr/bin/env bash
# fault.sh: the PostgreSQL door's kill -9 exactly-once trials, at length.
#
# Runs TestCrashExactlyOnce (ingest/crash_test.go) with TRIALS kill -9
# trials (default 100): the door runs in a child process while a writer keeps
# changing a real PostgreSQL; the child is SIGKILLed at random points (in the
# initial snapshot, mid-append, mid-compaction, at random times) and
# restarted; after a clean catch-up every committed change must be in bronze
# exactly once, in commit order, and bronze must replay to the source's rows.
#
#   scripts/fault.sh                 # 100 trials, seed from the clock
#   TRIALS=300 SEED=42 scripts/fault.sh
#
# The seed is printed at the start; rerun with SEED=<it> to replay the same
# kill plan and workload.
set -euo pipefail
cd "$(dirname "$0")/.."
TRIALS="${TRIALS:-100}"
SEED="${SEED:-0}"
GO="${GO:-go}"
start=$(date +%s)
"$GO" test ./ingest -count=1 -timeout 30m -run 'TestCrash' -crash.trials="$TRIALS" -crash.seed="$SEED" -v
echo "fault.sh: $TRIALS kill -9 trials passed in $(( $(date +%s) - start ))s"
