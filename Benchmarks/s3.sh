#!/usr/bin/env bash
# Wharf's S3 face against moto's S3 server, same workload, same client, one run:
#   4 KiB PUT and GET at concurrency 1 and 16 (objects/s, Benchmarks/WharfS3Bench),
#   a 1 GiB object up and down with curl through presigned URLs (MB/s) beside `cat FILE > /dev/null`,
#   and Wharf's peak resident memory during the large transfer.
# Beside them, the machine's own limits (Benchmarks/s3_limits.py): the rate at which 4 KiB files can be
# made durable at all (write, fsync, rename, fsync folder), one MD5 stream (a single PUT's ETag), and
# the smallest sendfile(2) HTTP server fetched by the same curl (loopback TCP's ceiling).
# Usage: Benchmarks/s3.sh [small-object count, default 5000]
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-5000}
VENV=Benchmarks/.venv-bench
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==5.2.1" "boto3==1.43.11"
SCRATCH=${WHARF_BUILD_PATH:-.build}
swift build -c release --scratch-path "$SCRATCH" --product wharf >/dev/null
swift build -c release --scratch-path "$SCRATCH" --product WharfS3Bench >/dev/null
BIN="$SCRATCH/release"
WORK=$(mktemp -d /tmp/wharf-s3-bench.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill $p 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WPORT=$(port); MPORT=$(port)
"$BIN/wharf" server --home "$WORK/home" --port "$WPORT" --log-level warning >"$WORK/wharf.log" 2>&1 &
WPID=$!; PIDS+=($WPID)
"$VENV/bin/python" -m moto.server -H 127.0.0.1 -p "$MPORT" >"$WORK/moto.log" 2>&1 &
PIDS+=($!)
for url in "http://127.0.0.1:$WPORT/healthz" "http://127.0.0.1:$MPORT/moto-api/"; do
  for _ in $(seq 1 100); do curl -fs "$url" >/dev/null && break; sleep 0.1; done
done
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_DEFAULT_REGION=us-east-1
RESULTS="$WORK/results.jsonl"
for target in wharf moto; do
  [ $target = wharf ] && ep="http://127.0.0.1:$WPORT" || ep="http://127.0.0.1:$MPORT"
  "$VENV/bin/python" -c 'import boto3,sys; boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1").create_bucket(Bucket="bench")' "$ep"
  for c in 1 16; do
    # The same signed GET to /healthz: what HTTP and the client cost without any S3 work.
    [ $target = wharf ] && printf '{"target": "%s", "result": %s}\n' $target "$("$BIN/WharfS3Bench" --endpoint "$ep" --op healthz --concurrency $c --count "$COUNT")" >>"$RESULTS"
    for op in put get; do
      [ $op = put ] && prefix="c$c" || prefix="c1"
      printf '{"target": "%s", "result": %s}\n' $target "$("$BIN/WharfS3Bench" --endpoint "$ep" --op $op --prefix $prefix --concurrency $c --count "$COUNT")" >>"$RESULTS"
    done
  done
done

# What durability costs by itself: the same count of 4 KiB files written, fsynced, renamed and folder-fsynced.
for c in 1 16; do
  printf '{"floor": %s, "objects_per_second": %s}\n' $c "$(python3 Benchmarks/s3_limits.py durable-floor "$WORK/floor$c" "$COUNT" $c)" >>"$RESULTS"
done
rm -rf "$WORK"/floor*

# Large object: presigned SigV4 URLs from boto3, bytes moved by curl.
head -c 1073741824 /dev/urandom >"$WORK/big.bin"
cat "$WORK/big.bin" >/dev/null
CAT_START=$(date +%s.%N); cat "$WORK/big.bin" >/dev/null; CAT_END=$(date +%s.%N)
printf '{"md5_mb_per_second": %s}\n' "$(python3 Benchmarks/s3_limits.py md5 "$WORK/big.bin")" >>"$RESULTS"
SPORT=$(port)
python3 Benchmarks/s3_limits.py serve "$WORK/big.bin" "$SPORT" &
PIDS+=($!)
for _ in $(seq 1 100); do curl -fs -o /dev/null -r 0-0 "http://127.0.0.1:$SPORT/" && break; sleep 0.1; done
printf '{"sendfile_download_seconds": %s}\n' "$(curl -fs -o /dev/null -w '%{time_total}' "http://127.0.0.1:$SPORT/")" >>"$RESULTS"
"$BIN/wharf" keys create --url "http://127.0.0.1:$WPORT" --role admin --name bench --json >"$WORK/key.json"
WKEY=$(python3 -c 'import json,sys; k=json.load(open(sys.argv[1])); print(k["key"]["accessKeyId"], k["secret"])' "$WORK/key.json")
presign() { # endpoint id secret method
  "$VENV/bin/python" - "$@" <<'PY'
import sys, boto3
from botocore.config import Config
ep, key, secret, method = sys.argv[1:5]
c = boto3.client("s3", endpoint_url=ep, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret,
                 config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
print(c.generate_presigned_url(method, Params={"Bucket": "bench", "Key": "big.bin"}, ExpiresIn=3600))
PY
}
for target in wharf moto; do
  if [ $target = wharf ]; then ep="http://127.0.0.1:$WPORT"; set -- $WKEY; else ep="http://127.0.0.1:$MPORT"; set -- bench bench; fi
  up=$(presign "$ep" "$1" "$2" put_object); down=$(presign "$ep" "$1" "$2" get_object)
  up_s=$(curl -fs -o /dev/null -w '%{time_total}' -T "$WORK/big.bin" "$up")
  down_s=$(curl -fs -o /dev/null -w '%{time_total}' "$down")
  printf '{"target": "%s", "large": {"upload_seconds": %s, "download_seconds": %s}}\n' $target "$up_s" "$down_s" >>"$RESULTS"
done
PEAK_KB=$(awk '/VmHWM/ {print $2}' /proc/$WPID/status)
python3 - "$RESULTS" "$CAT_START" "$CAT_END" "$PEAK_KB" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
cat_seconds = float(sys.argv[3]) - float(sys.argv[2])
small = {(r["target"], r["result"]["op"], r["result"]["concurrency"]): r["result"]["objects_per_second"] for r in rows if "result" in r}
large = {r["target"]: r["large"] for r in rows if "large" in r}
print(f"{'workload':34} {'wharf':>12} {'moto':>12} {'wharf/moto':>11}")
for op in ("put", "get"):
    for c in (1, 16):
        w, m = small[("wharf", op, c)], small[("moto", op, c)]
        print(f"{f'4 KiB {op.upper()} c={c} (objects/s)':34} {w:12.0f} {m:12.0f} {w/m:10.1f}x")
floor = {r["floor"]: r["objects_per_second"] for r in rows if "floor" in r}
for c in (1, 16):
    print(f"{f'GET /healthz c={c} (requests/s)':34} {small[('wharf', 'healthz', c)]:12.0f}")
for c in (1, 16):
    w = small[("wharf", "put", c)]
    print(f"{f'durable 4 KiB files c={c} (files/s)':34} {floor[c]:12.0f} {'':12} {'':11} wharf PUT = {w / floor[c]:.2f}x this floor")
mb = 1024
for kind in ("upload", "download"):
    w, m = mb / large["wharf"][f"{kind}_seconds"], mb / large["moto"][f"{kind}_seconds"]
    print(f"{f'1 GiB {kind} via presigned (MB/s)':34} {w:12.0f} {m:12.0f} {w/m:10.1f}x")
print(f"{'cat 1 GiB > /dev/null (MB/s)':34} {mb / cat_seconds:12.0f}")
md5 = next(r["md5_mb_per_second"] for r in rows if "md5_mb_per_second" in r) / 1.048576
sendfile = mb / next(r["sendfile_download_seconds"] for r in rows if "sendfile_download_seconds" in r)
up, down = mb / large["wharf"]["upload_seconds"], mb / large["wharf"]["download_seconds"]
print(f"{'one MD5 stream over 1 GiB (MB/s)':34} {md5:12.0f} {'':12} {'':11} wharf upload = {up / md5:.2f}x this")
print(f"{'sendfile server + curl (MB/s)':34} {sendfile:12.0f} {'':12} {'':11} wharf download = {down / sendfile:.2f}x this")
print(f"wharf peak resident memory: {int(sys.argv[4]) / 1024:.0f} MiB")
PY
