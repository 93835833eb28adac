#!/usr/bin/env bash
# WharfLearn benchmark against xgboost, lightgbm, scikit-learn and imbalanced-learn, side by side in one run.
# Usage: Benchmarks/learn.sh [bench|fixture]   (default bench; fixture regenerates Tests/WharfLearnTests/Fixtures)
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
# LEARN_BENCH_BIN runs an already built binary (e.g. from a development package) instead of building here.
if [ -n "${LEARN_BENCH_BIN:-}" ]; then
    BIN="$LEARN_BENCH_BIN"
else
    swift build -c release --product WharfLearnBench
    BIN="$(swift build -c release --show-bin-path)/WharfLearnBench"
fi
: > "$WORK/anchor.tsv"
for task in lgbm-leaves63 lgbm-depth6 xgb-depth6 xgb-leaves63 xgb-predict sklearn-logreg imblearn-smote; do
    "$PY" Benchmarks/learn_anchor.py "$task" "$WORK" "$ROUNDS" "$THREADS" >> "$WORK/anchor.tsv"
done
: > "$WORK/wharf.tsv"
for task in gbdt-leaves63 gbdt-depth6 predict linear smote; do
    "$BIN" "$task" "$WORK" "$ROUNDS" "$THREADS" >> "$WORK/wharf.tsv"
done
"$PY" Benchmarks/learn_table.py "$WORK"
