"""Prints the WharfLearn benchmark table: every task with Wharf's figures beside each anchor's and the ratios."""
import sys
from pathlib import Path

rows = []
for name in ("anchor.tsv", "wharf.tsv"):
    for line in (Path(sys.argv[1]) / name).read_text().splitlines():
        task, tool, seconds, auc, mem, *extra = line.split("\t")
        rows.append((task, tool, float(seconds), float(auc), float(mem), extra[0] if extra else ""))

tasks = []
for r in rows:
    if r[0] not in tasks:
        tasks.append(r[0])


def fmt_time(s):
    if s < 1e-3:
        return f"{s * 1e6:.2f} us"
    if s < 1:
        return f"{s * 1e3:.1f} ms"
    return f"{s:.2f} s"


print(f"| task | tool | time | AUC | peak MB | time ratio wharf/anchor | AUC diff | notes |")
print(f"|---|---|---|---|---|---|---|---|")
for task in tasks:
    wharf = [r for r in rows if r[0] == task and r[1] == "wharf"]
    for r in [r for r in rows if r[0] == task]:
        ratio, diff = "", ""
        if r[1] != "wharf" and wharf:
            value = wharf[0][2] / r[2]
            ratio = f"{value:.2f}x" if value >= 0.01 else f"{value:.4f}x"
            if r[3] == r[3] and wharf[0][3] == wharf[0][3]:
                diff = f"{wharf[0][3] - r[3]:+.4f}"
        auc = f"{r[3]:.4f}" if r[3] == r[3] else ""
        print(f"| {task} | {r[1]} | {fmt_time(r[2])} | {auc} | {r[4]:.0f} | {ratio} | {diff} | {r[5]} |")
