"""Generates the WharfLearn benchmark CSVs (seeded): train.csv, test.csv (28 features, binary label) and smote.csv (2% positives)."""
import sys
from pathlib import Path

import numpy as np
import pandas as pd

out = Path(sys.argv[1])
rows, test_rows = int(sys.argv[2]), int(sys.argv[3])
out.mkdir(parents=True, exist_ok=True)


def make(n, seed, positive_rate=None):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 28)).astype(np.float32)
    x[:, 20:24] = np.exp(x[:, 20:24] / 2)
    x[:, 24:28] = np.abs(x[:, 24:28])
    margin = (0.9 * x[:, 0] - 0.7 * x[:, 1] + 0.5 * x[:, 2] * x[:, 3] + 0.6 * np.sin(2 * x[:, 4])
              + 0.4 * (x[:, 5] > 0.3) - 0.3 * x[:, 20] + 0.35 * x[:, 24] * x[:, 6] + 0.25 * x[:, 7] ** 2 - 0.25)
    noisy = margin + rng.logistic(size=n)
    if positive_rate is None:
        y = (noisy > 0).astype(np.int8)
    else:
        y = (noisy > np.quantile(noisy, 1 - positive_rate)).astype(np.int8)
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(28)])
    frame["label"] = y
    return frame


for name, n, seed, rate in [("train", rows, 1, None), ("test", test_rows, 2, None), ("smote", 200_000, 3, 0.02)]:
    path = out / f"{name}.csv"
    stamp = out / f"{name}.rows"
    if path.exists() and stamp.exists() and stamp.read_text() == str(n):
        continue
    frame = make(n, seed, rate)
    frame.to_csv(path, index=False, float_format="%.6g")
    stamp.write_text(str(n))
    print(f"wrote {path}: {n} rows, {frame['label'].mean():.3f} positive", file=sys.stderr)
