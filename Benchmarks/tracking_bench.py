"""Drives Wharf and `mlflow server` with the same MLflow REST calls over HTTP and prints a table of ratios.

Measured, for each server: metric ingestion with runs/log-batch (1,000 values a call) at 1 and 8 client
threads (values/s); single runs/log-metric calls at 1 and 8 threads (calls/s); creating N runs with 3 params
and 3 metrics each; then the median latency of 20 runs/search calls with
`metrics.auc > 0.8 and params.max_depth = '6'` ordered by `metrics.auc DESC`, 100 results.
Optionally the same search over a larger population on Wharf alone.
"""
import argparse
import http.client
import json
import os
import random
import socket
import statistics
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

FILTER = "metrics.auc > 0.8 and params.max_depth = '6'"


class Server:
    """One MLflow REST endpoint; each client thread keeps its own keep-alive connection (http.client: the
    lightest Python client, so the client's own cost stays small next to the server's)."""

    def __init__(self, name, url, token=None):
        self.name = name
        parsed = urllib.parse.urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port
        self.local = threading.local()
        self.headers = {"Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def connection(self):
        if not hasattr(self.local, "connection"):
            connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
            connection.connect()
            # As urllib3 (and so the mlflow client) does: without it, Nagle's algorithm and delayed ACKs
            # add tens of milliseconds to every large request, whichever server answers.
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.local.connection = connection
        return self.local.connection

    def post(self, path, body):
        payload = json.dumps(body)
        for attempt in range(2):
            connection = self.connection()
            try:
                connection.request("POST", "/api/2.0/mlflow" + path, body=payload, headers=self.headers)
                response = connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                # The server closed an idle keep-alive connection: reconnect once.
                connection.close()
                del self.local.connection
                if attempt:
                    raise
        if response.status != 200:
            raise RuntimeError(f"{self.name} {path}: {response.status} {data[:300]!r}")
        return json.loads(data)

    def experiment(self, name):
        return self.post("/experiments/create", {"name": name})["experiment_id"]

    def run(self, experiment_id, name="bench"):
        return self.post("/runs/create", {"experiment_id": experiment_id, "run_name": name, "start_time": int(time.time() * 1000)})["run"]["info"]["run_id"]


def timed(threads, seconds, work):
    """Runs `work(thread_index, iteration)` on `threads` threads for about `seconds`; returns iterations per second."""
    counts = [0] * threads
    deadline = time.perf_counter() + seconds

    def loop(index):
        i = 0
        while time.perf_counter() < deadline:
            work(index, i)
            i += 1
        counts[index] = i

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(loop, range(threads)))
    return sum(counts) / (time.perf_counter() - start)


def ingestion(server, threads, seconds):
    experiment_id = server.experiment(f"ingest-{threads}-{random.randrange(1 << 30)}")
    runs = [server.run(experiment_id) for _ in range(threads)]
    now = int(time.time() * 1000)

    def batch(index, i):
        metrics = [{"key": f"m{j % 10}", "value": random.random(), "timestamp": now + i, "step": i * 100 + j // 10} for j in range(1000)]
        server.post("/runs/log-batch", {"run_id": runs[index], "metrics": metrics})

    return timed(threads, seconds, batch) * 1000


def single_metric(server, threads, seconds):
    experiment_id = server.experiment(f"single-{threads}-{random.randrange(1 << 30)}")
    runs = [server.run(experiment_id) for _ in range(threads)]
    now = int(time.time() * 1000)

    def log(index, i):
        server.post("/runs/log-metric", {"run_id": runs[index], "key": "loss", "value": random.random(), "timestamp": now + i, "step": i})

    return timed(threads, seconds, log)


def populate(server, count, threads=8):
    experiment_id = server.experiment(f"search-{count}-{random.randrange(1 << 30)}")
    rng = random.Random(42)
    plans = [(rng.random(), rng.choice(["4", "6", "8"]), rng.random(), rng.random()) for _ in range(count)]
    now = int(time.time() * 1000)

    def create(plan):
        auc, depth, loss, f1 = plan
        run_id = server.run(experiment_id)
        server.post("/runs/log-batch", {
            "run_id": run_id,
            "params": [{"key": "max_depth", "value": depth}, {"key": "learning_rate", "value": "0.1"}, {"key": "model", "value": "gbdt"}],
            "metrics": [{"key": "auc", "value": auc, "timestamp": now, "step": 0},
                        {"key": "loss", "value": loss, "timestamp": now, "step": 0},
                        {"key": "f1", "value": f1, "timestamp": now, "step": 0}],
        })

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(create, plans))
    elapsed = time.perf_counter() - start
    expected = sorted((p[0] for p in plans if p[0] > 0.8 and p[1] == "6"), reverse=True)[:100]
    return experiment_id, count / elapsed, expected


def search_latency(server, experiment_id, expected, calls=20):
    latencies = []
    for _ in range(calls):
        start = time.perf_counter()
        body = server.post("/runs/search", {"experiment_ids": [experiment_id], "filter": FILTER, "order_by": ["metrics.auc DESC"], "max_results": 100})
        latencies.append(time.perf_counter() - start)
        got = [next(m["value"] for m in r["data"]["metrics"] if m["key"] == "auc") for r in body.get("runs", [])]
        if [round(v, 12) for v in got] != [round(v, 12) for v in expected]:
            raise RuntimeError(f"{server.name}: search returned {len(got)} runs, not the {len(expected)} expected")
    return statistics.median(latencies) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wharf", required=True)
    parser.add_argument("--mlflow", required=True)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--big-runs", type=int, default=100_000)
    parser.add_argument("--warmup", type=float, default=3, help="untimed seconds of log-batch per server before measuring")
    args = parser.parse_args()
    servers = [Server("wharf", args.wharf), Server("mlflow", args.mlflow)]
    rows = []
    # A server that has just started is still settling (mlflow's worker processes import their libraries, both
    # databases are empty and cold): the first timed case would measure that instead of steady ingestion.
    for server in servers:
        ingestion(server, 1, args.warmup)
    print(f"  load average before measuring: {os.getloadavg()[0]:.2f}", flush=True)

    def compare(label, unit, measure, higher_is_better=True):
        values = [measure(s) for s in servers]
        ratio = values[0] / values[1] if higher_is_better else values[0] / values[1]
        rows.append((label, unit, values[0], values[1], ratio))
        print(f"  {label}: wharf {values[0]:,.1f} {unit}, mlflow {values[1]:,.1f} {unit}", flush=True)

    for threads in (1, 8):
        compare(f"log-batch ingestion, {threads} thread(s)", "values/s", lambda s: ingestion(s, threads, args.seconds))
    for threads in (1, 8):
        compare(f"log-metric calls, {threads} thread(s)", "calls/s", lambda s: single_metric(s, threads, args.seconds))
    populated = {}

    def create(s):
        experiment_id, rate, expected = populate(s, args.runs)
        populated[s.name] = (experiment_id, expected)
        return rate

    compare(f"create {args.runs:,} runs (3 params, 3 metrics)", "runs/s", create)
    compare(f"search {args.runs:,} runs, median of 20", "ms", lambda s: search_latency(s, *populated[s.name]), higher_is_better=False)
    big = None
    if args.big_runs:
        experiment_id, rate, expected = populate(servers[0], args.big_runs)
        big = (rate, search_latency(servers[0], experiment_id, expected))
        print(f"  wharf alone: {args.big_runs:,} runs created at {rate:,.0f} runs/s; search median {big[1]:.1f} ms", flush=True)

    print()
    print(f"| {'measure':<44} | {'unit':<8} | {'wharf':>12} | {'mlflow':>12} | {'wharf/mlflow':>12} |")
    print(f"|{'-' * 46}|{'-' * 10}|{'-' * 14}|{'-' * 14}|{'-' * 14}|")
    for label, unit, wharf, mlflow, ratio in rows:
        print(f"| {label:<44} | {unit:<8} | {wharf:>12,.1f} | {mlflow:>12,.1f} | {ratio:>11.2f}x |")
    if big:
        print(f"| {'search ' + format(args.big_runs, ',') + ' runs (wharf alone)':<44} | {'ms':<8} | {big[1]:>12,.1f} | {'-':>12} | {'-':>12} |")
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.2f}")
    print("Goals: ingestion ratios >= 10x, search ratio <= 0.1x, the large search under 100 ms.")


if __name__ == "__main__":
    main()
