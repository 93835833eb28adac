#!/usr/bin/env bash
# The AWS front door's cost over a bare route, on one release server, one client, one run:
#   GetCallerIdentity (STS, awsQuery: SigV4 verification with the key lookup, form decoding, the XML answer)
#   against GET /healthz, both driven by wrk at concurrency 16 (2 threads) for DURATION seconds each,
#   alternating ROUNDS times. wrk sends GetCallerIdentity as REQUESTS distinct requests signed beforehand
#   (stdlib HMAC, as botocore signs them: no x-amz-content-sha256, the server hashes the body); the server
#   verifies every signature in full (it keeps no replay cache), so signing cost stays on the server's side
#   and off the load generator's.
# Usage: Benchmarks/aws.sh            env: DURATION (default 10), ROUNDS (3), CONCURRENCY (16), REQUESTS (4096)
# Needs wrk (Debian: apt-get install wrk). The release build takes /tmp/wharf-release.lock.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
CONCURRENCY=${CONCURRENCY:-16}
REQUESTS=${REQUESTS:-4096}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
SCRATCH=${WHARF_BUILD_PATH:-.build-release}
flock /tmp/wharf-release.lock swift build -c release --scratch-path "$SCRATCH" --product wharf >/dev/null
BIN="$SCRATCH/release/wharf"
WORK=$(mktemp -d /tmp/wharf-aws-bench.XXXXXX)
SERVER=""
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" keys create --local --home "$WORK/home" --role read --name bench --json >"$WORK/key.json"
"$BIN" server --home "$WORK/home" --port "$PORT" --log-level warning >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

# Signed requests as a Lua table of raw HTTP requests that wrk cycles through.
python3 - "$WORK/key.json" "$PORT" "$REQUESTS" >"$WORK/requests.lua" <<'PY'
import datetime, hashlib, hmac, json, sys
key = json.load(open(sys.argv[1])); port = sys.argv[2]; count = int(sys.argv[3])
akid, secret = key["key"]["accessKeyId"], key["secret"]
host = f"127.0.0.1:{port}"
now = datetime.datetime.now(datetime.timezone.utc)
stamp, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
scope = f"{day}/us-east-1/sts/aws4_request"
def h(k, m): return hmac.new(k, m.encode(), hashlib.sha256).digest()
signing = h(h(h(h(("AWS4" + secret).encode(), day), "us-east-1"), "sts"), "aws4_request")
print("return {")
for i in range(count):
    body = f"Action=GetCallerIdentity&Version=2011-06-15&Bench={i}"
    # Each request differs (a member the operation ignores), so no two signatures are alike.
    ctype = "application/x-www-form-urlencoded; charset=utf-8"
    canonical = "\n".join(["POST", "/", "", f"content-type:{ctype}", f"host:{host}", f"x-amz-date:{stamp}", "",
                           "content-type;host;x-amz-date", hashlib.sha256(body.encode()).hexdigest()])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    signature = hmac.new(signing, to_sign.encode(), hashlib.sha256).hexdigest()
    auth = f"AWS4-HMAC-SHA256 Credential={akid}/{scope}, SignedHeaders=content-type;host;x-amz-date, Signature={signature}"
    raw = (f"POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: {ctype}\r\nX-Amz-Date: {stamp}\r\nAuthorization: {auth}\r\n"
           f"Content-Length: {len(body)}\r\n\r\n{body}")
    print(json.dumps(raw) + ",")
print("}")
PY
cat >"$WORK/sts.lua" <<LUA
local requests = dofile("$WORK/requests.lua")
local i = math.random(#requests)
request = function()
  i = i % #requests + 1
  return requests[i]
end
LUA
# One signed request through curl first: the benchmark must measure successes.
python3 - "$WORK/requests.lua" "$PORT" <<'PY'
import json, socket, sys
raw = json.loads(open(sys.argv[1]).read().split("\n")[1].rstrip(","))
s = socket.create_connection(("127.0.0.1", int(sys.argv[2]))); s.sendall(raw.encode()); answer = s.recv(65536).decode()
assert answer.startswith("HTTP/1.1 200") and "<GetCallerIdentityResult>" in answer, answer
PY

run() {  # name, wrk arguments...; prints "name rps p50 p99 non2xx"
  local name=$1; shift
  local out; out=$(wrk -t2 -c"$CONCURRENCY" -d"${DURATION}s" --latency "$@")
  local rps p50 p99 bad
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx/ {print $5}' <<<"$out"); bad=${bad:-0}
  echo "$name $rps $p50 $p99 $bad"
}
RESULTS="$WORK/results.txt"
for round in $(seq 1 "$ROUNDS"); do
  run healthz "http://127.0.0.1:$PORT/healthz" >>"$RESULTS"
  run GetCallerIdentity -s "$WORK/sts.lua" "http://127.0.0.1:$PORT/" >>"$RESULTS"
done
python3 - "$RESULTS" "$CONCURRENCY" "$DURATION" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
by = {}
for name, rps, p50, p99, bad in rows:
    by.setdefault(name, []).append((float(rps), p50, p99, int(bad)))
print(f"wrk -t2 -c{sys.argv[2]} -d{sys.argv[3]}s, rounds alternating; load average {open('/proc/loadavg').read().split()[0]}")
print("| route | req/s per round | median req/s | p50 / p99 (last round) | non-2xx |")
print("|---|---|---|---|---|")
for name in ("healthz", "GetCallerIdentity"):
    runs = by[name]
    print(f"| {name} | {', '.join(f'{r[0]:.0f}' for r in runs)} | {statistics.median(r[0] for r in runs):.0f} | {runs[-1][1]} / {runs[-1][2]} | {sum(r[3] for r in runs)} |")
bare = statistics.median(r[0] for r in by["healthz"]); sts = statistics.median(r[0] for r in by["GetCallerIdentity"])
print(f"GetCallerIdentity costs {100 * (bare / sts - 1):.1f}% more time per request than /healthz (goal: at most 25%); throughput ratio {sts / bare:.2f}")
if sum(r[3] for r in by["GetCallerIdentity"]):
    sys.exit("GetCallerIdentity answered non-2xx: the signatures did not verify")
PY
