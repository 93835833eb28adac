"""One anchor task per process (so peak memory is its own): prints `task\ttool\tseconds\tauc\tpeak_mb\textra`."""
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

task, folder, rounds, threads = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])


def load(name):
    frame = pd.read_csv(folder / f"{name}.csv", dtype=np.float32)
    y = frame.pop("label").to_numpy()
    return frame.to_numpy(), y


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(name, tool, seconds, auc, extra=""):
    print(f"{name}\t{tool}\t{seconds:.4f}\t{auc:.5f}\t{peak_mb():.0f}\t{extra}", flush=True)


if task in ("lgbm-leaves63", "lgbm-depth6"):
    import lightgbm as lgb
    x, y = load("train")
    xt, yt = load("test")
    params = {"objective": "binary", "learning_rate": 0.1, "max_bin": 255, "num_threads": threads, "verbose": -1, "seed": 0}
    params.update({"num_leaves": 63} if task == "lgbm-leaves63" else {"num_leaves": 64, "max_depth": 6})
    start = time.perf_counter()
    booster = lgb.train(params, lgb.Dataset(x, label=y), num_boost_round=rounds)
    seconds = time.perf_counter() - start
    emit("gbdt " + ("63 leaves" if task == "lgbm-leaves63" else "depth 6"), "lightgbm", seconds, roc_auc_score(yt, booster.predict(xt)))
elif task in ("xgb-depth6", "xgb-leaves63"):
    import xgboost as xgb
    x, y = load("train")
    xt, yt = load("test")
    params = {"objective": "binary:logistic", "tree_method": "hist", "eta": 0.1, "max_bin": 256, "nthread": threads, "seed": 0}
    params.update({"max_depth": 6} if task == "xgb-depth6" else {"grow_policy": "lossguide", "max_leaves": 63, "max_depth": 0})
    start = time.perf_counter()
    booster = xgb.train(params, xgb.DMatrix(x, label=y, nthread=threads), num_boost_round=rounds)
    seconds = time.perf_counter() - start
    emit("gbdt " + ("depth 6" if task == "xgb-depth6" else "63 leaves"), "xgboost", seconds, roc_auc_score(yt, booster.inplace_predict(xt)))
    if task == "xgb-depth6":
        booster.save_model(str(folder / "xgb-depth6.json"))
elif task == "xgb-predict":
    import xgboost as xgb
    xt, yt = load("test")
    booster = xgb.Booster()
    booster.load_model(str(folder / "xgb-depth6.json"))
    booster.set_param({"nthread": threads})
    booster.inplace_predict(xt[:1000])
    best, best_cpu = float("inf"), float("inf")
    for _ in range(5):
        start, cpu = time.perf_counter(), time.process_time()
        booster.inplace_predict(xt)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    emit("batch predict 200k rows", "xgboost", best, roc_auc_score(yt, booster.inplace_predict(xt)),
         f"{len(xt) / best:.0f} rows/s, {best_cpu:.3f} s CPU")
elif task == "sklearn-logreg":
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    x, y = load("train")
    xt, yt = load("test")
    start = time.perf_counter()
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, solver="lbfgs", max_iter=1000)).fit(x, y)
    seconds = time.perf_counter() - start
    emit("logistic regression L2", "scikit-learn", seconds, roc_auc_score(yt, model.predict_proba(xt)[:, 1]),
         f"{model[-1].n_iter_[0]} iterations")
elif task == "imblearn-smote":
    from imblearn.over_sampling import SMOTE
    x, y = load("smote")
    start = time.perf_counter()
    xr, yr = SMOTE(k_neighbors=5, sampling_strategy=1.0, random_state=0).fit_resample(x, y)
    emit("SMOTE 200k rows 2% pos", "imbalanced-learn", time.perf_counter() - start, float("nan"), f"{len(xr)} rows out")
else:
    raise SystemExit(f"unknown task {task}")
