#!/usr/bin/env bash
# WharfLearn benchmark against xgboost, lightgbm, scikit-learn and imbalanced-learn, side by side in one run.
# Usage: Benchmarks/learn.sh [bench|fixture]   (default bench; fixture regenerates Tests/WharfLearnTests/Fixtures)
#        Benchmarks/learn.sh pairs BEFORE_BIN AFTER_BIN   (two WharfLearnBench builds, each task alternately, twice)
# Env: LEARN_ROWS (default 1000000), LEARN_TEST_ROWS (200000), LEARN_ROUNDS (200), LEARN_THREADS (2).
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-bench}"
VENV=Benchmarks/.venv-bench
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check numpy pandas xgboost lightgbm scikit-learn imbalanced-learn
PY="$VENV/bin/python"

if [ "$MODE" = fixture ]; then
    exec "$PY" Benchmarks/learn_fixture.py Tests/WharfLearnTests/Fixtures
fi

ROWS="${LEARN_ROWS:-1000000}"
TEST_ROWS="${LEARN_TEST_ROWS:-200000}"
ROUNDS="${LEARN_ROUNDS:-200}"
THREADS="${LEARN_THREADS:-2}"
WORK="${LEARN_WORK:-${TMPDIR:-/tmp}/wharf-learn-bench}"
mkdir -p "$WORK"
"$PY" Benchmarks/learn_data.py "$WORK" "$ROWS" "$TEST_ROWS"
if [ "$MODE" = pairs ]; then
    BEFORE="$2"; AFTER="$3"
    mkdir -p "$WORK/before" "$WORK/after"
    for side in before after; do for f in train test smote; do ln -sf "$WORK/$f.csv" "$WORK/$side/$f.csv"; done; done
    for round in 1 2; do
        for task in gbdt-leaves63 gbdt-depth6 predict smote linear; do
            echo "load $(cut -d' ' -f1 /proc/loadavg) before $("$BEFORE" "$task" "$WORK/before" "$ROUNDS" "$THREADS")"
            echo "load $(cut -d' ' -f1 /proc/loadavg) after  $("$AFTER" "$task" "$WORK/after" "$ROUNDS" "$THREADS")"
        done
    done
    exit 0
fi
# LEARN_BENCH_BIN runs an already built binary (e.g. from a development package) instead of building here.
if [ -n "${LEARN_BENCH_BIN:-}" ]; then
    BIN="$LEARN_BENCH_BIN"
else
    swift build -c release --product WharfLearnBench
    BIN="$(swift build -c release --show-bin-path)/WharfLearnBench"
fi
: > "$WORK/anchor.tsv"
: > "$WORK/wharf.tsv"
# Each Wharf task runs right after its anchors, so both see the same machine load.
run_anchor() { "$PY" Benchmarks/learn_anchor.py "$1" "$WORK" "$ROUNDS" "$THREADS" >> "$WORK/anchor.tsv"; }
run_wharf() { "$BIN" "$1" "$WORK" "$ROUNDS" "$THREADS" >> "$WORK/wharf.tsv"; }
run_anchor lgbm-leaves63; run_anchor xgb-leaves63; run_wharf gbdt-leaves63
run_anchor lgbm-depth6; run_anchor xgb-depth6; run_wharf gbdt-depth6
run_anchor xgb-predict; run_wharf predict
run_anchor sklearn-logreg; run_wharf linear
run_anchor imblearn-smote; run_wharf smote
"$PY" Benchmarks/learn_table.py "$WORK"
