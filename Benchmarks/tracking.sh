#!/usr/bin/env bash
# Experiment tracking: Wharf (release build, SQLite default) against `mlflow server` (SQLite backend),
# both driven over HTTP by the same Python code (Benchmarks/tracking_bench.py). Prints a table of ratios.
# Environment: SCRATCH (swift --scratch-path, default .build), SECONDS_PER_CASE (default 8),
# RUNS (default 10000), BIG_RUNS (default 100000; 0 skips the Wharf-alone search), WARMUP (untimed seconds per server, default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/Benchmarks/.venv-bench"
SCRATCH=${SCRATCH:-.build}
MLFLOW_VERSION=$(grep -E '^mlflow==' scripts/requirements-test.txt | cut -d= -f3 || true)
MLFLOW_VERSION=${MLFLOW_VERSION:-3.17.2}

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet "mlflow==$MLFLOW_VERSION"

swift build -c release --product wharf --scratch-path "$SCRATCH"
WHARF_BIN="$ROOT/$SCRATCH/release/wharf"

WORK=$(mktemp -d /tmp/wharf-tracking-bench.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WHARF_PORT=$(free_port)
MLFLOW_PORT=$(free_port)

"$WHARF_BIN" server --home "$WORK/wharf" --port "$WHARF_PORT" >"$WORK/wharf.log" 2>&1 &
WHARF_PID=$!
"$VENV/bin/mlflow" server --host 127.0.0.1 --port "$MLFLOW_PORT" \
  --backend-store-uri "sqlite:///$WORK/mlflow.db" --artifacts-destination "$WORK/mlartifacts" >"$WORK/mlflow.log" 2>&1 &
MLFLOW_PID=$!
cleanup() {
  kill "$WHARF_PID" "$MLFLOW_PID" 2>/dev/null || true
  wait "$WHARF_PID" "$MLFLOW_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_for() {
  for _ in $(seq 1 120); do
    if curl -fsS "$1" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "server at $1 did not start; logs:" >&2
  cat "$WORK"/*.log >&2
  exit 1
}
wait_for "http://127.0.0.1:$WHARF_PORT/healthz"
wait_for "http://127.0.0.1:$MLFLOW_PORT/health"

echo "wharf $("$WHARF_BIN" --version) vs mlflow $MLFLOW_VERSION (SQLite both), $(nproc) cores"
"$VENV/bin/python" Benchmarks/tracking_bench.py \
  --wharf "http://127.0.0.1:$WHARF_PORT" --mlflow "http://127.0.0.1:$MLFLOW_PORT" \
  --seconds "${SECONDS_PER_CASE:-8}" --runs "${RUNS:-10000}" --big-runs "${BIG_RUNS:-100000}" --warmup "${WARMUP:-3}"
