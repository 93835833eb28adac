"""Writes a small XGBoost model and its own predictions as fixtures for WharfLearn's import test."""
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
print("wrote fixtures to", out, "with xgboost", xgb.__version__)
