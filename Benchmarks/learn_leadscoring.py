"""XGBoost and LightGBM at their defaults on the lead-scoring table, on the same split as WharfLearn's quality test.

Usage: Benchmarks/.venv-bench/bin/python Benchmarks/learn_leadscoring.py [path/to/leadscoring_inference_with_labels.csv]
(default ../shared/data/leadscoring/leadscoring_inference_with_labels.csv). Not run in CI: its figures are the floor
that `LeadScoringQualityTests` asserts for `TrainingRecipe` at Wharf's defaults.

The features are the raw columns less the unnamed row index: `created_date` as days since 1970 (as `wharf train`
reads a timestamp), the four text columns as pandas categories (`enable_categorical=True` for XGBoost, LightGBM's
automatic categorical handling), everything else as numbers. The split is `LabeledData.stratifiedSplit(testFraction:
0.2, seed: 42)`: per class in label order, the class's rows shuffled by WharfLearn's seeded xoshiro256** generator
(Fisher-Yates, index = next() % (i + 1)), the first 20% (rounded) to test.
"""
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

MASK = (1 << 64) - 1
TEXT = ["city_mapped", "first_platform_c", "first_utm_medium_c", "first_utm_source_c"]
TARGET = "app_complete_flag"


class SeededGenerator:
    """WharfFrame's SeededGenerator: xoshiro256** seeded through SplitMix64."""

    def __init__(self, seed):
        x = seed

        def split_mix():
            nonlocal x
            x = (x + 0x9E3779B97F4A7C15) & MASK
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            return z ^ (z >> 31)

        self.s = [split_mix() for _ in range(4)]

    def next(self):
        s0, s1, s2, s3 = self.s
        m = (s1 * 5) & MASK
        result = ((((m << 7) | (m >> 57)) & MASK) * 9) & MASK
        t = (s1 << 17) & MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = ((s3 << 45) | (s3 >> 19)) & MASK
        self.s = [s0, s1, s2, s3]
        return result

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = self.next() % (i + 1)
            items[i], items[j] = items[j], items[i]


def stratified_split(labels, test_fraction=0.2, seed=42):
    generator = SeededGenerator(seed)
    train, test = [], []
    for label in sorted(set(labels)):
        rows = [r for r, v in enumerate(labels) if v == label]
        generator.shuffle(rows)
        n_test = int(np.floor(len(rows) * test_fraction + 0.5))
        test += rows[:n_test]
        train += rows[n_test:]
    return sorted(train), sorted(test)


def main():
    path = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent.parent / "shared/data/leadscoring/leadscoring_inference_with_labels.csv")
    frame = pd.read_csv(path)
    frame = frame.drop(columns=[c for c in frame.columns if c.startswith("Unnamed")])
    frame["created_date"] = (pd.to_datetime(frame["created_date"]) - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)
    y = frame.pop(TARGET).to_numpy()
    train, test = stratified_split(list(y))
    import lightgbm as lgb
    import xgboost as xgb

    def with_categories(f):
        f = f.copy()
        for c in TEXT:
            if c in f:
                f[c] = f[c].astype("category")
        return f

    results = []
    for label, features in (("text as categories", with_categories(frame)), ("text dropped", frame.drop(columns=TEXT))):
        x, xt = features.iloc[train], features.iloc[test]
        booster = xgb.XGBClassifier(enable_categorical=True, tree_method="hist", random_state=0)
        booster.fit(x, y[train])
        xgb_auc = roc_auc_score(y[test], booster.predict_proba(xt)[:, 1])
        model = lgb.LGBMClassifier(random_state=0, verbose=-1)
        model.fit(x, y[train])
        lgb_auc = roc_auc_score(y[test], model.predict_proba(xt)[:, 1])
        results.append((label, xgb_auc, lgb_auc))
    print(f"rows: {len(train)} train, {len(test)} test (sum of test row numbers {sum(test)}); "
          f"xgboost {xgb.__version__}, lightgbm {lgb.__version__}")
    for label, xgb_auc, lgb_auc in results:
        print(f"{label}: xgboost AUC {xgb_auc:.4f}  lightgbm AUC {lgb_auc:.4f}")


if __name__ == "__main__":
    main()
