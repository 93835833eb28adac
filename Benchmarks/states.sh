#!/usr/bin/env bash
# WharfStates benchmark: an express-style chain of 100 Pass states (Parameters + ResultPath), run many times,
# side by side with moto's Step Functions interpreter (moto server, execute_state_machine enabled), in one run.
# Usage: Benchmarks/states.sh      Env: STATES_RUNS (5000, Wharf executions), STATES_ANCHOR_RUNS (20, moto executions),
#        STATES_BENCH_BIN (a release WharfStatesBench binary already built; skips the build)
# Wharf runs in one process pinned to one core (taskset when present), history off (express) and on (standard).
# moto is timed from StartExecution to the first DescribeExecution that is no longer RUNNING.
# Ratios: Wharf transitions per second / moto transitions per second (above 1 means Wharf is faster).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=Benchmarks/.venv-bench
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server,stepfunctions]" boto3
PY="$VENV/bin/python"
RUNS="${STATES_RUNS:-5000}"
ANCHOR_RUNS="${STATES_ANCHOR_RUNS:-20}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/wharf-states-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

if [ -n "${STATES_BENCH_BIN:-}" ]; then
    BIN="$STATES_BENCH_BIN"
else
    swift build -c release --product WharfStatesBench >&2
    BIN="$(swift build -c release --show-bin-path)/WharfStatesBench"
fi
PIN=()
if command -v taskset >/dev/null 2>&1; then PIN=(taskset -c 0); fi

"$BIN" --print-definition > "$WORK/definition.json"
"${PIN[@]}" "$BIN" --runs "$RUNS" --output-file "$WORK/wharf-output.json" > "$WORK/wharf.json"
"${PIN[@]}" "$BIN" --runs "$RUNS" --history > "$WORK/wharf-history.json"

"$PY" - "$WORK" "$ANCHOR_RUNS" <<'PY'
import json, os, socket, subprocess, sys, time, urllib.request
import boto3

work, runs = sys.argv[1], int(sys.argv[2])
definition = open(os.path.join(work, "definition.json")).read()
states = len(json.loads(definition)["States"])
sock = socket.socket(); sock.bind(("127.0.0.1", 0)); port = sock.getsockname()[1]; sock.close()
server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1); break
        except Exception:
            time.sleep(0.1)
    req = urllib.request.Request(url + "/moto-api/config", method="POST",
                                 data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=10)
    sfn = boto3.client("stepfunctions", endpoint_url=url, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    arn = sfn.create_state_machine(name="PassChain", definition=definition,
                                   roleArn="arn:aws:iam::123456789012:role/StatesExecutionRole")["stateMachineArn"]
    payload = json.dumps({"value": "payload", "last": {"step": -1}})

    def one(i):
        start = time.perf_counter()
        ex = sfn.start_execution(stateMachineArn=arn, name=f"run-{i}", input=payload)["executionArn"]
        while True:
            d = sfn.describe_execution(executionArn=ex)
            if d["status"] != "RUNNING":
                return time.perf_counter() - start, d
            time.sleep(0.001)

    one("warmup")
    total, last = 0.0, None
    for i in range(runs):
        t, last = one(i)
        total += t
    if last["status"] != "SUCCEEDED":
        print(f"moto execution ended {last['status']}: {last}", file=sys.stderr); sys.exit(1)
    json.dump({"engine": "moto", "executions": runs, "transitions": runs * states, "seconds": total,
               "transitions_per_second": runs * states / total, "ms_per_execution": total * 1000 / runs,
               "output": json.loads(last["output"])}, open(os.path.join(work, "moto.json"), "w"))
finally:
    server.terminate(); server.wait()

wharf = json.load(open(os.path.join(work, "wharf.json")))
wharf_history = json.load(open(os.path.join(work, "wharf-history.json")))
moto = json.load(open(os.path.join(work, "moto.json")))
same = json.load(open(os.path.join(work, "wharf-output.json"))) == moto["output"]
print(f"Pass chain of {states} states (Parameters + ResultPath); outputs identical: {'yes' if same else 'NO'}")
print(f"{'engine':<34}{'executions':>11}{'ms/execution':>14}{'transitions/s':>15}{'ratio':>10}")
for name, r in [("wharf (express, no history)", wharf), ("wharf (standard, with history)", wharf_history),
                ("moto server (StartExecution->done)", moto)]:
    ratio = r["transitions_per_second"] / moto["transitions_per_second"]
    print(f"{name:<34}{r['executions']:>11}{r['ms_per_execution']:>14.3f}{r['transitions_per_second']:>15,.0f}{ratio:>9.0f}x")
PY
