#!/usr/bin/python3
"""Peer models for bench/cmd/quality.

Reads a feature matrix exported by cai (CREATE MODEL ... WITH (export =
'file.csv')): columns <identity>, cutoff, split, label, then one column per
model input (empty = missing). Trains scikit-learn LogisticRegression and
MLPClassifier and xgboost (hist) on split == 'train' (xgboost also uses
split == 'validation' for early stopping), scores split == 'test' and prints
one JSON line per model:

    {"model": ..., "auc": ..., "pr_auc": ..., "log_loss": ..., "train_seconds": ...}

train_seconds is the wall time of the fit call only (preprocessing fitted
inside it); cpu_seconds the process CPU time (all threads) over the same
span.
With --pred-dir, the test probabilities are also written, one per line in
test-row order, to <dir>/<model>.txt so the caller can recompute the
metrics itself.

Run with the Debian python (/usr/bin/python3, packages python3-sklearn and
python3-xgboost); numpy and the csv module only, no pandas.
"""

import os

# Two threads everywhere; must be set before numpy is imported.
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "2")

import argparse
import csv
import json
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, log_loss, roc_auc_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
import xgboost as xgb

THREADS = 2


def load(path):
    with open(path, newline="") as f:
        r = csv.reader(f)
        header = next(r)
        if len(header) < 4 or header[1:4] != ["cutoff", "split", "label"]:
            sys.exit("peers.py: %s: expected columns <identity>, cutoff, split, label, features...; got %r"
                     % (path, header[:4]))
        features = header[4:]
        splits, labels, rows = [], [], []
        for rec in r:
            splits.append(rec[2])
            labels.append(int(rec[3]))
            rows.append([float(v) if v != "" else np.nan for v in rec[4:]])
    X = np.array(rows, dtype=np.float64).reshape(len(rows), len(features))
    y = np.array(labels, dtype=np.int64)
    s = np.array(splits)
    return features, X, y, s


class HeavyTailLog:
    """Chooses, on the training data, the non-negative heavy-tailed columns
    (more than two distinct values, skewness > 1) and maps them through
    sign(x)*log1p(|x|) (log1p for the non-negative training range; the sign
    keeps an unexpected negative test value finite)."""

    def fit(self, X):
        cols = []
        for j in range(X.shape[1]):
            v = X[:, j]
            v = v[~np.isnan(v)]
            if v.size < 3 or v.min() < 0 or np.unique(v[:10000]).size <= 2:
                continue
            sd = v.std()
            if sd == 0:
                continue
            skew = np.mean(((v - v.mean()) / sd) ** 3)
            if skew > 1:
                cols.append(j)
        self.cols = np.array(cols, dtype=np.int64)
        return self

    def __call__(self, X):
        X = np.array(X, dtype=np.float64, copy=True)
        if self.cols.size:
            c = X[:, self.cols]
            X[:, self.cols] = np.sign(c) * np.log1p(np.abs(c))
        return X


def preprocessed(model, Xtr):
    """log1p of heavy-tailed columns, median imputation + missing
    indicators, standardisation, then model."""
    ht = HeavyTailLog().fit(Xtr)
    return Pipeline([
        ("log1p", FunctionTransformer(ht, validate=False)),
        ("impute", SimpleImputer(strategy="median", add_indicator=True)),
        ("scale", StandardScaler()),
        ("model", model),
    ]), ht


def metrics(y, p):
    return {
        "auc": float(roc_auc_score(y, p)),
        "pr_auc": float(average_precision_score(y, p)),
        "log_loss": float(log_loss(y, np.clip(p, 1e-15, 1 - 1e-15), labels=[0, 1])),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pred-dir", default="")
    ap.add_argument("--models", default="logreg,mlp,xgboost")
    args = ap.parse_args()
    warnings.filterwarnings("ignore", category=ConvergenceWarning)

    features, X, y, s = load(args.csv)
    tr, va, te = s == "train", s == "validation", s == "test"
    Xtr, ytr, Xva, yva, Xte, yte = X[tr], y[tr], X[va], y[va], X[te], y[te]
    print(json.dumps({"info": {"features": len(features), "train": int(tr.sum()), "validation": int(va.sum()),
                               "test": int(te.sum()), "test_positives": int(yte.sum()),
                               "sklearn": __import__("sklearn").__version__, "xgboost": xgb.__version__,
                               "numpy": np.__version__}}), flush=True)

    for name in args.models.split(","):
        extra = {}
        if name == "logreg":
            t0, c0 = time.perf_counter(), time.process_time()
            pipe, ht = preprocessed(LogisticRegression(max_iter=5000), Xtr)
            pipe.fit(Xtr, ytr)
            secs, cpu = time.perf_counter() - t0, time.process_time() - c0
            p = pipe.predict_proba(Xte)[:, 1]
            extra = {"log1p_columns": int(ht.cols.size), "n_iter": int(pipe.named_steps["model"].n_iter_[0])}
        elif name == "mlp":
            t0, c0 = time.perf_counter(), time.process_time()
            pipe, ht = preprocessed(MLPClassifier(hidden_layer_sizes=(64, 32), early_stopping=True,
                                                  random_state=args.seed), Xtr)
            pipe.fit(Xtr, ytr)
            secs, cpu = time.perf_counter() - t0, time.process_time() - c0
            p = pipe.predict_proba(Xte)[:, 1]
            extra = {"n_iter": int(pipe.named_steps["model"].n_iter_)}
        elif name == "xgboost":
            m = xgb.XGBClassifier(n_estimators=1000, learning_rate=0.05, max_depth=6, tree_method="hist",
                                  n_jobs=THREADS, early_stopping_rounds=50, eval_metric="logloss",
                                  random_state=args.seed)
            t0, c0 = time.perf_counter(), time.process_time()
            m.fit(Xtr, ytr, eval_set=[(Xva, yva)], verbose=False)
            secs, cpu = time.perf_counter() - t0, time.process_time() - c0
            p = m.predict_proba(Xte)[:, 1]  # uses the best iteration
            extra = {"best_iteration": int(m.best_iteration)}
        else:
            sys.exit("peers.py: unknown model %r" % name)
        out = {"model": name}
        out.update(metrics(yte, p))
        out["train_seconds"] = secs
        out["cpu_seconds"] = cpu
        out.update(extra)
        if args.pred_dir:
            with open(os.path.join(args.pred_dir, name + ".txt"), "w") as f:
                f.write("\n".join(repr(float(v)) for v in p))
                f.write("\n")
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
