#!/usr/bin/env bash
# WharfFrame benchmark against pandas, pyarrow and polars, side by side in one run on the same files.
# Usage: Benchmarks/frame.sh        Env: FRAME_ROWS (1000000), FRAME_GROUP_ROWS (3000000), FRAME_JSON_ROWS (300000),
#   FRAME_TASKS (tasks to run, default "read read-mixed groupby-int groupby-str join read-json"; FRAME_TASKS=read times only
#   the numeric CSV read, read-mixed the CSV of numbers, text, dates and bools),
#   FRAME_WORK (data folder), FRAME_BENCH_BIN (a built WharfFrameBench) or WHARF_BUILD_PATH (scratch path to build in)
# Each task runs in its own process (best of 3 timed runs; peak RSS of that process). Ratios: anchor time / Wharf time
# (above 1 means Wharf is faster), for wall time and for CPU time of all threads (the fairer figure when other work
# shares the machine).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=Benchmarks/.venv-bench
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check numpy pandas pyarrow polars
PY="$VENV/bin/python"
ROWS="${FRAME_ROWS:-1000000}"
GROUP_ROWS="${FRAME_GROUP_ROWS:-3000000}"
JSON_ROWS="${FRAME_JSON_ROWS:-300000}"
WORK="${FRAME_WORK:-${TMPDIR:-/tmp}/wharf-frame-bench}"
mkdir -p "$WORK"

"$PY" - "$WORK" "$ROWS" "$GROUP_ROWS" "$JSON_ROWS" <<'PY'
import json, os, sys
import numpy as np, polars as pl
work, rows, group_rows, json_rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = np.random.default_rng(42)
numeric = os.path.join(work, f"numeric_{rows}.csv")
if not os.path.exists(numeric):
    cols = {}
    for j in range(25):
        cols[f"f{j}"] = np.round(rng.normal(0, 100, rows), 4)
    for j in range(4):
        cols[f"i{j}"] = rng.integers(0, 1_000_000, rows)
    pl.DataFrame(cols).write_csv(numeric + ".tmp")
    os.replace(numeric + ".tmp", numeric)
table = os.path.join(work, f"groups_{group_rows}.csv")
small = os.path.join(work, "dim_100000.csv")
if not os.path.exists(table):
    keys = rng.integers(0, 100_000, group_rows)
    pl.DataFrame({"ikey": keys, "skey": [f"k{k}" for k in rng.integers(0, 10_000, group_rows)],
                  "v": np.round(rng.normal(10, 3, group_rows), 3)}).write_csv(table + ".tmp")
    os.replace(table + ".tmp", table)
    pl.DataFrame({"ikey": np.arange(100_000), "w": np.round(rng.random(100_000), 4)}).write_csv(small)
# JSON Lines shaped like the Starbucks transcript: the nested "value" has different keys per event.
transcript = os.path.join(work, f"transcript_{json_rows}.jsonl")
if not os.path.exists(transcript):
    events = ["offer received", "offer viewed", "transaction", "offer completed"]
    with open(transcript + ".tmp", "w") as out:
        for i in range(json_rows):
            e = events[int(rng.integers(0, 4))]
            if e == "transaction": value = {"amount": round(float(rng.random()) * 50, 2)}
            elif e == "offer completed": value = {"offer_id": "%032x" % int(rng.integers(0, 1 << 62)), "reward": int(rng.integers(2, 11))}
            else: value = {"offer id": "%032x" % int(rng.integers(0, 1 << 62))}
            out.write(json.dumps({"person": "%032x" % int(rng.integers(0, 1 << 62)), "event": e, "value": value,
                                  "time": int(rng.integers(0, 715))}) + "\n")
    os.replace(transcript + ".tmp", transcript)
# A CSV shaped like the lead-scoring and Starbucks files: numbers mixed with low-cardinality text, an id, a date and a
# bool, with some empty fields (nulls).
mixed = os.path.join(work, f"mixed_{rows}.csv")
if not os.path.exists(mixed):
    def holes(values, share):
        return [None if h else v for v, h in zip(values, rng.random(rows) < share)]
    cols = {}
    for j in range(5):
        cols[f"x{j}"] = holes(np.round(rng.normal(0, 100, rows), 4).tolist(), 0.01 if j == 0 else 0.0)
    for j in range(3):
        cols[f"n{j}"] = rng.integers(0, 100_000, rows)
    cities = np.array(["Mumbai", "Thane & Outskirts", "Other Cities", "Other Cities of Maharashtra", "Other Metro Cities",
                       "Tier II Cities", "Select"])
    sources = np.array(["Google", "Direct Traffic", "Olark Chat", "Organic Search", "Reference", "Welingak Website",
                        "Referral Sites", "Facebook", "bing", "Click2call"])
    cols["city"] = holes(cities[rng.integers(0, len(cities), rows)].tolist(), 0.05)
    cols["source"] = sources[rng.integers(0, len(sources), rows)]
    cols["gender"] = holes(np.array(["F", "M", "O"])[rng.integers(0, 3, rows)].tolist(), 0.02)
    cols["id"] = ["%032x" % v for v in rng.integers(0, 1 << 62, rows)]
    days = rng.integers(0, 3650, rows)
    cols["became_member_on"] = (np.datetime64("2013-01-01") + days).astype(str)
    cols["converted"] = np.where(rng.random(rows) < 0.4, "True", "False")
    pl.DataFrame(cols).write_csv(mixed + ".tmp")
    os.replace(mixed + ".tmp", mixed)
PY

cat > "$WORK/anchor.py" <<'PY'
import resource, sys, time
task, lib, a = sys.argv[1], sys.argv[2], sys.argv[3]
b = sys.argv[4] if len(sys.argv) > 4 else None
import pandas as pd, polars as pl, pyarrow as pa, pyarrow.csv as pacsv

def read(path):
    if lib == "pandas": return pd.read_csv(path, engine="c")
    if lib == "pyarrow": return pacsv.read_csv(path)
    return pl.read_csv(path)

def best(fn):
    t, c = float("inf"), float("inf")
    for _ in range(3):
        s, sc = time.perf_counter(), time.process_time()
        out = fn()
        t, c = min(t, time.perf_counter() - s), min(c, time.process_time() - sc)
    return t, c

def read_json(path):
    if lib == "pandas": return pd.read_json(path, lines=True)
    if lib == "pyarrow":
        import pyarrow.json as pajson
        return pajson.read_json(path)
    return pl.read_ndjson(path)

if task in ("read", "read-mixed", "read-json"):
    reader = read_json if task == "read-json" else read
    first = reader(a)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    del first
    t, c = best(lambda: reader(a))
    print(f"{task}\t{lib}\t{t}\t{rss}\t{c}")
    sys.exit(0)
df = read(a)
if task.startswith("groupby"):
    key = "ikey" if task == "groupby-int" else "skey"
    if lib == "pandas": fn = lambda: df.groupby(key, sort=False)["v"].agg(["count", "mean"])
    elif lib == "pyarrow": fn = lambda: df.group_by(key).aggregate([("v", "count"), ("v", "mean")])
    else: fn = lambda: df.group_by(key).agg(pl.col("v").count().alias("n"), pl.col("v").mean().alias("mean"))
else:
    small = read(b)
    if lib == "pandas": fn = lambda: df.merge(small, on="ikey", how="inner")
    elif lib == "pyarrow": fn = lambda: df.join(small, "ikey", join_type="inner")
    else: fn = lambda: df.join(small, on="ikey", how="inner")
t, c = best(fn)
print(f"{task}\t{lib}\t{t}\t{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}\t{c}")
PY

# FRAME_BENCH_BIN runs an already built binary instead of building here; WHARF_BUILD_PATH builds in that scratch
# path (so a shared checkout's default .build is left to others).
if [ -n "${FRAME_BENCH_BIN:-}" ]; then
    BIN="$FRAME_BENCH_BIN"
else
    SCRATCH=(); [ -n "${WHARF_BUILD_PATH:-}" ] && SCRATCH=(--scratch-path "$WHARF_BUILD_PATH")
    swift build -c release "${SCRATCH[@]}" --product WharfFrameBench
    BIN="$(swift build -c release "${SCRATCH[@]}" --show-bin-path)/WharfFrameBench"
fi
NUMERIC="$WORK/numeric_$ROWS.csv"; MIXED="$WORK/mixed_$ROWS.csv"; TABLE="$WORK/groups_$GROUP_ROWS.csv"; SMALL="$WORK/dim_100000.csv"
JSONL="$WORK/transcript_$JSON_ROWS.jsonl"
: > "$WORK/results.tsv"
run_task() {  # task, fileA, [fileB]
    for lib in pandas pyarrow polars; do
        "$PY" "$WORK/anchor.py" "$1" "$lib" "$2" ${3:-} >> "$WORK/results.tsv"
    done
    "$BIN" "$1" "$2" ${3:-} | awk -F'\t' '{print $1 "\twharf\t" $2 "\t" $3 "\t" $4}' >> "$WORK/results.tsv"
}
for task in ${FRAME_TASKS:-read read-mixed groupby-int groupby-str join read-json}; do
    case "$task" in
        read) run_task read "$NUMERIC" ;;
        read-mixed) run_task read-mixed "$MIXED" ;;
        groupby-int|groupby-str) run_task "$task" "$TABLE" ;;
        join) run_task join "$TABLE" "$SMALL" ;;
        read-json) run_task read-json "$JSONL" ;;
        *) echo "unknown task in FRAME_TASKS: $task" >&2; exit 64 ;;
    esac
done

RAW_MIB=$(awk -v r="$ROWS" 'BEGIN{printf "%.0f", r*29*8/1048576}')
"$PY" - "$WORK/results.tsv" "$RAW_MIB" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
raw, cores, load = float(sys.argv[2]), sys.argv[3], sys.argv[4]
by = {}
for task, lib, t, rss, cpu in rows: by.setdefault(task, {})[lib] = (float(t), float(rss), float(cpu))
print(f"\nWharfFrame vs anchors ({cores} cores, load average {load} at the end; best of 3)")
print("ratio = anchor / wharf (>1: wharf is faster); cpu = user+system time of all threads")
print(f"{'task':<12} {'lib':<8} {'wall s':>8} {'ratio':>6} {'cpu s':>8} {'ratio':>6} {'peak MiB':>9}")
for task, libs in by.items():
    w, _, wc = libs["wharf"]
    for lib in ["pandas", "pyarrow", "polars", "wharf"]:
        if lib in libs:
            t, rss, c = libs[lib]
            print(f"{task:<12} {lib:<8} {t:8.3f} {t / w:6.2f} {c:8.3f} {c / wc:6.2f} {rss:9.0f}")
if "read" in by:
    print(f"raw numeric size of the read: {raw:.0f} MiB; wharf peak / raw = {by['read']['wharf'][1] / raw:.2f} (target <= 1.5)")
PY
