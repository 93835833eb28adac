"""Writes small XGBoost models and their own predictions as fixtures for WharfLearn's import tests:
numeric splits (binary, multiclass) and categorical splits (enable_categorical, both one-hot and partition splits)."""
import json
import sys
from pathlib import Path

import numpy as np
import xgboost as xgb

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(7)
n, p = 400, 5
x = rng.normal(size=(n, p)).astype(np.float32)
x[rng.random((n, p)) < 0.1] = np.nan
margin = 1.2 * np.nan_to_num(x[:, 0]) - np.nan_to_num(x[:, 1]) + 0.5 * np.nan_to_num(x[:, 2]) * np.nan_to_num(x[:, 3])
y = (rng.random(n) < 1 / (1 + np.exp(-margin))).astype(np.float32)
names = [f"x{i}" for i in range(p)]

binary = xgb.train({"objective": "binary:logistic", "max_depth": 3, "eta": 0.3, "seed": 1},
                   xgb.DMatrix(x, label=y, feature_names=names), num_boost_round=12)
binary.save_model(str(out / "xgb_binary.json"))

classes = np.digitize(np.nan_to_num(x[:, 0]), [-0.5, 0.5]).astype(np.float32)
multi = xgb.train({"objective": "multi:softprob", "num_class": 3, "max_depth": 2, "eta": 0.4, "seed": 1},
                  xgb.DMatrix(x, label=classes, feature_names=names), num_boost_round=6)
multi.save_model(str(out / "xgb_multi.json"))

test = rng.normal(size=(50, p)).astype(np.float32)
test[rng.random((50, p)) < 0.1] = np.nan
dtest = xgb.DMatrix(test, feature_names=names)
fixture = {
    "xgboost_version": xgb.__version__,
    "feature_names": names,
    "rows": [[None if np.isnan(v) else float(v) for v in row] for row in test],
    "binary_predictions": [float(v) for v in binary.predict(dtest)],
    "multi_predictions": [[float(v) for v in row] for row in multi.predict(dtest)],
}
(out / "xgb_predictions.json").write_text(json.dumps(fixture, indent=1))

# Categorical: c0 has 12 levels (partition splits), c1 has 3 (one-hot splits, max_cat_to_onehot=4), x2 is numeric,
# c3 has 6 levels; values are category codes, some missing.
n = 600
cat = np.column_stack([rng.integers(0, 12, n), rng.integers(0, 3, n), rng.normal(size=n), rng.integers(0, 6, n)]).astype(np.float32)
cat[rng.random(n) < 0.08, 3] = np.nan
cat[rng.random(n) < 0.05, 2] = np.nan
margin = (np.isin(cat[:, 0], [1, 3, 4, 7, 10]) * 2.0 - 1.0 + 0.8 * (cat[:, 1] == 2) + np.nan_to_num(cat[:, 2])
          - 0.6 * np.isin(cat[:, 3], [0, 5]))
y = (rng.random(n) < 1 / (1 + np.exp(-margin))).astype(np.float32)
cat_names, cat_types = ["c0", "c1", "x2", "c3"], ["c", "c", "q", "c"]
categorical = xgb.train({"objective": "binary:logistic", "max_depth": 3, "eta": 0.3, "tree_method": "hist", "max_cat_to_onehot": 4,
                         "seed": 1},
                        xgb.DMatrix(cat, label=y, feature_names=cat_names, feature_types=cat_types, enable_categorical=True),
                        num_boost_round=10)
categorical.save_model(str(out / "xgb_categorical.json"))
# Test rows include levels never seen in training (12, 13 for c0; 3 for c1), which XGBoost sends left.
test = np.column_stack([rng.integers(0, 14, 60), rng.integers(0, 4, 60), rng.normal(size=60), rng.integers(0, 6, 60)]).astype(np.float32)
test[rng.random(60) < 0.1, 0] = np.nan
test[rng.random(60) < 0.1, 3] = np.nan
dtest = xgb.DMatrix(test, feature_names=cat_names, feature_types=cat_types, enable_categorical=True)
(out / "xgb_categorical_predictions.json").write_text(json.dumps({
    "xgboost_version": xgb.__version__,
    "feature_names": cat_names,
    "rows": [[None if np.isnan(v) else float(v) for v in row] for row in test],
    "predictions": [float(v) for v in categorical.predict(dtest)],
}, indent=1))
print("wrote fixtures to", out, "with xgboost", xgb.__version__)
