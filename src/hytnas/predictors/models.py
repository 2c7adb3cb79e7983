"""The predictor zoo: regressors behind one small interface, registered by name.

``make_model(name, seed=..., n_jobs=...)`` returns an unfitted :class:`Regressor`:

- ``xgboost``: gradient-boosted trees (XGBoost ``hist``), saved in XGBoost's native JSON;
- ``lightgbm``: gradient-boosted trees (LightGBM), saved in LightGBM's native text format;
- ``mlp2`` / ``mlp3``: multi-layer perceptrons with 2 / 3 hidden ReLU layers of 64 units,
  trained full-batch with Adam on the mean squared error (numpy, float32), inputs
  ``sign(x) log1p|x|`` then standardized, target standardized; saved as ``.npz`` weights;
- ``costsum``: a kernel-level cost model, ``y = b + sum_k w_k cost_k`` with ``w >= 0`` over
  the whole-network kernel-kind costs (feature columns ``op_*``), fitted by non-negative
  least squares in the target's own units (as kernel-level latency predictors add up
  per-kernel latencies).

All train on the mean squared error. ``fit(X, y, groups)`` chooses hyperparameters by inner
validation on ``X`` alone (3 grouped folds below 600 rows, one 20 % grouped hold-out above
and for the MLPs),
scoring Kendall tau; boosted trees also take their number of trees from early stopping there;
then it refits on all of ``X``. The chosen values are in ``params_``.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Callable, ClassVar, Sequence

import numpy as np
from scipy.stats import kendalltau

from hytnas.errors import DataError

INNER_KFOLD_BELOW = 600
INNER_HOLDOUT = 0.2
MAX_TREES = 500
EARLY_STOP = 30
LEARNING_RATE = 0.1


def inner_splits(
    n: int, groups: np.ndarray | None, seed: int, kfold: bool = True
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Validation splits of ``n`` training rows: 3 grouped folds if ``kfold`` and ``n < 600``,
    else one grouped 20 % hold-out. Rows with the same group are never on both sides."""
    groups = np.arange(n) if groups is None else np.asarray(groups)
    uniq = np.unique(groups)
    order = np.random.default_rng([seed, 7]).permutation(len(uniq))
    fold_of_group = np.empty(len(uniq), dtype=np.int64)
    if kfold and n < INNER_KFOLD_BELOW:
        fold_of_group[order] = np.arange(len(uniq)) % 3
        folds = range(3)
    else:
        cut = int(round(len(uniq) * INNER_HOLDOUT))
        fold_of_group[order] = (np.arange(len(uniq)) >= cut).astype(np.int64)
        folds = range(1)
    fold = fold_of_group[np.searchsorted(uniq, groups)]
    return [(np.flatnonzero(fold != k), np.flatnonzero(fold == k)) for k in folds]


def _tau(pred: np.ndarray, y: np.ndarray) -> float:
    value = kendalltau(pred, y).statistic
    return float(value) if np.isfinite(value) else 0.0


class Regressor(ABC):
    """A regressor with inner-validated hyperparameters.

    Subclasses define ``candidates()`` (the hyperparameter grid) and ``_fit`` (one fit, with
    an optional validation set for early stopping, returning the settings to refit with).
    """

    name: ClassVar[str] = ""
    # True when the model is linear in the target's own units (no log transform).
    linear_target: ClassVar[bool] = False
    # False: always one inner hold-out (models too slow for 3 inner folds).
    inner_kfold: ClassVar[bool] = True

    def __init__(self, *, seed: int = 0, n_jobs: int = 1, feature_names: Sequence[str] | None = None) -> None:
        self.seed = int(seed)
        self.n_jobs = int(n_jobs)
        self.feature_names = list(feature_names) if feature_names is not None else None
        self.params_: dict[str, Any] = {}

    # --- public -------------------------------------------------------------------------
    def fit(self, X: np.ndarray, y: np.ndarray, groups: np.ndarray | None = None) -> "Regressor":
        """Fit on ``n x k`` ``X`` and ``(n,)`` ``y``; ``groups`` (n,) keep repeats together."""
        X, y = _check_xy(X, y)
        candidates = self.candidates()
        if len(candidates) > 1 or self.early_stopping:
            scores: list[float] = []
            settings: list[dict[str, Any]] = []
            splits = inner_splits(len(y), groups, self.seed, self.inner_kfold)
            for cand in candidates:
                taus, found = [], []
                for tr, va in splits:
                    chosen = self._fit(X[tr], y[tr], X[va], y[va], dict(cand))
                    taus.append(_tau(self._predict(X[va]), y[va]))
                    found.append(chosen)
                scores.append(float(np.mean(taus)))
                settings.append(_average_settings(found))
            best = settings[int(np.argmax(scores))]
            best["inner_tau"] = round(max(scores), 4)
        else:
            best = dict(candidates[0])
        refit = {k: v for k, v in best.items() if k != "inner_tau"}
        self._fit(X, y, None, None, refit)
        self.params_ = best
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """``(n,)`` predictions for ``n x k`` ``X``."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2:
            raise DataError(f"features must be n x k, got shape {X.shape}")
        return np.asarray(self._predict(X), dtype=np.float64).reshape(-1)

    @property
    def early_stopping(self) -> bool:
        return False

    def candidates(self) -> list[dict[str, Any]]:
        return [{}]

    # --- persistence --------------------------------------------------------------------
    @abstractmethod
    def save(self, folder: Path) -> str:
        """Write the fitted model into ``folder``; return the file name."""

    @classmethod
    @abstractmethod
    def load(cls, folder: Path, file: str, params: dict[str, Any]) -> "Regressor":
        """Inverse of :meth:`save`."""

    # --- to implement -------------------------------------------------------------------
    @abstractmethod
    def _fit(
        self, X: np.ndarray, y: np.ndarray, Xv: np.ndarray | None, yv: np.ndarray | None, params: dict[str, Any]
    ) -> dict[str, Any]:
        """Fit once; return the settings that reproduce this fit without a validation set."""

    @abstractmethod
    def _predict(self, X: np.ndarray) -> np.ndarray: ...


def _average_settings(found: list[dict[str, Any]]) -> dict[str, Any]:
    """Settings of the inner splits merged: integers averaged (tree counts), others from the first."""
    out = dict(found[0])
    for key, value in out.items():
        if isinstance(value, int) and not isinstance(value, bool):
            out[key] = int(round(np.mean([f[key] for f in found])))
    return out


def _check_xy(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if X.ndim != 2 or len(X) != len(y):
        raise DataError(f"features must be n x k with one target per row, got {X.shape} and {y.shape}")
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise DataError("features or targets contain NaN or infinite values")
    if len(y) < 5:
        raise DataError(f"{len(y)} rows are too few to fit a predictor (at least 5)")
    return X, y


# --- boosted trees ---------------------------------------------------------------------------
class XGBoostRegressor(Regressor):
    """XGBoost, depth 3 or 6 by inner validation, learning rate 0.1, trees by early stopping."""

    name = "xgboost"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._model: Any = None

    @property
    def early_stopping(self) -> bool:
        return True

    def candidates(self) -> list[dict[str, Any]]:
        return [{"max_depth": 3}, {"max_depth": 6}]

    def _make(self, params: dict[str, Any], n_trees: int, early: bool) -> Any:
        import xgboost as xgb

        return xgb.XGBRegressor(
            n_estimators=n_trees,
            max_depth=int(params["max_depth"]),
            learning_rate=LEARNING_RATE,
            subsample=0.8,
            colsample_bytree=0.8,
            min_child_weight=1.0,
            tree_method="hist",
            max_bin=128,
            objective="reg:squarederror",
            n_jobs=self.n_jobs,
            random_state=self.seed,
            early_stopping_rounds=EARLY_STOP if early else None,
        )

    def _fit(self, X, y, Xv, yv, params):
        if Xv is not None:
            self._model = self._make(params, MAX_TREES, True)
            self._model.fit(X, y, eval_set=[(Xv, yv)], verbose=False)
            return {**params, "n_estimators": int(self._model.best_iteration) + 1}
        self._model = self._make(params, int(params.get("n_estimators", 400)), False)
        self._model.fit(X, y, verbose=False)
        return params

    def _predict(self, X):
        return self._model.predict(X)

    def save(self, folder: Path) -> str:
        self._model.save_model(str(folder / "model.json"))
        return "model.json"

    @classmethod
    def load(cls, folder: Path, file: str, params: dict[str, Any]) -> "XGBoostRegressor":
        import xgboost as xgb

        out = cls()
        out._model = xgb.XGBRegressor()
        out._model.load_model(str(folder / file))
        out.params_ = params
        return out


class LightGBMRegressor(Regressor):
    """LightGBM, 7 or 31 leaves by inner validation, learning rate 0.1, trees by early stopping."""

    name = "lightgbm"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._booster: Any = None

    @property
    def early_stopping(self) -> bool:
        return True

    def candidates(self) -> list[dict[str, Any]]:
        return [{"num_leaves": 7}, {"num_leaves": 31}]

    def _fit(self, X, y, Xv, yv, params):
        import lightgbm as lgb

        config = {
            "objective": "regression",
            "learning_rate": LEARNING_RATE,
            "num_leaves": int(params["num_leaves"]),
            "min_data_in_leaf": 5,
            "bagging_fraction": 0.8,
            "bagging_freq": 1,
            "feature_fraction": 0.8,
            "max_bin": 127,
            "num_threads": self.n_jobs,
            "seed": self.seed,
            "deterministic": True,
            "force_row_wise": True,
            "verbose": -1,
        }
        train = lgb.Dataset(X, y, params={"max_bin": 127, "verbose": -1})
        if Xv is not None:
            valid = lgb.Dataset(Xv, yv, reference=train)
            self._booster = lgb.train(
                config,
                train,
                num_boost_round=MAX_TREES,
                valid_sets=[valid],
                callbacks=[lgb.early_stopping(EARLY_STOP, verbose=False)],
            )
            return {**params, "n_estimators": int(self._booster.best_iteration or MAX_TREES)}
        self._booster = lgb.train(config, train, num_boost_round=int(params.get("n_estimators", 400)))
        return params

    def _predict(self, X):
        return self._booster.predict(X)

    def save(self, folder: Path) -> str:
        self._booster.save_model(str(folder / "model.txt"))
        return "model.txt"

    @classmethod
    def load(cls, folder: Path, file: str, params: dict[str, Any]) -> "LightGBMRegressor":
        import lightgbm as lgb

        out = cls()
        out._booster = lgb.Booster(model_file=str(folder / file))
        out.params_ = params
        return out


# --- multi-layer perceptrons ------------------------------------------------------------------
def _squash(X: np.ndarray) -> np.ndarray:
    return np.sign(X) * np.log1p(np.abs(X))


class MLPRegressor(Regressor):
    """ReLU MLP (``depth`` hidden layers of 64), full-batch Adam on the MSE, early stopping.

    Weight decay in {1e-4, 1e-2} and the number of steps come from inner validation.
    """

    name = "mlp"
    inner_kfold = False
    depth: ClassVar[int] = 2
    width: ClassVar[int] = 64
    max_steps: ClassVar[int] = 600
    check_every: ClassVar[int] = 20
    patience: ClassVar[int] = 6  # checks without improvement before stopping

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._weights: list[np.ndarray] = []
        self._stats: dict[str, np.ndarray] = {}

    @property
    def early_stopping(self) -> bool:
        return True

    def candidates(self) -> list[dict[str, Any]]:
        return [{"weight_decay": 1e-4}, {"weight_decay": 1e-2}]

    def _fit(self, X, y, Xv, yv, params):
        from threadpoolctl import threadpool_limits

        Z = _squash(X)
        mean, scale = Z.mean(0), Z.std(0)
        scale[scale == 0] = 1.0
        y_mean, y_scale = float(y.mean()), float(y.std() or 1.0)
        self._stats = {"x_mean": mean, "x_scale": scale, "y": np.array([y_mean, y_scale])}
        Zt = ((Z - mean) / scale).astype(np.float32)
        yt = ((y - y_mean) / y_scale).astype(np.float32)
        rng = np.random.default_rng(self.seed)
        sizes = [Zt.shape[1]] + [self.width] * self.depth + [1]
        weights: list[np.ndarray] = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            weights.append((rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)).astype(np.float32))
            weights.append(np.zeros(fan_out, dtype=np.float32))
        steps = int(params.get("steps", self.max_steps))
        decay = np.float32(params["weight_decay"])
        lr, b1, b2, eps = 1e-2, 0.9, 0.999, 1e-8
        m = [np.zeros_like(w) for w in weights]
        v = [np.zeros_like(w) for w in weights]
        best = (np.inf, 0, [w.copy() for w in weights])
        stale = 0
        with threadpool_limits(self.n_jobs):
            for step in range(1, steps + 1):
                grads = _backprop(weights, Zt, yt)
                for i, g in enumerate(grads):
                    if i % 2 == 0:
                        g = g + decay * weights[i]
                    m[i] = b1 * m[i] + (1 - b1) * g
                    v[i] = b2 * v[i] + (1 - b2) * g * g
                    weights[i] -= lr * (m[i] / (1 - b1**step)) / (np.sqrt(v[i] / (1 - b2**step)) + eps)
                if Xv is not None and step % self.check_every == 0:
                    self._weights = weights
                    loss = float(np.mean((self._predict(Xv) - yv) ** 2))
                    if loss < best[0]:
                        best, stale = (loss, step, [w.copy() for w in weights]), 0
                    else:
                        stale += 1
                        if stale >= self.patience:
                            break
        if Xv is not None:
            self._weights = best[2]
            return {**params, "steps": int(max(best[1], self.check_every))}
        self._weights = weights
        return params

    def _predict(self, X):
        Z = ((_squash(np.asarray(X, dtype=np.float64)) - self._stats["x_mean"]) / self._stats["x_scale"])
        out = _forward(self._weights, Z.astype(np.float32))[-1][:, 0]
        y_mean, y_scale = self._stats["y"]
        return out.astype(np.float64) * y_scale + y_mean

    def save(self, folder: Path) -> str:
        arrays = {f"w{i}": w for i, w in enumerate(self._weights)}
        np.savez(folder / "model.npz", **arrays, **self._stats)
        return "model.npz"

    @classmethod
    def load(cls, folder: Path, file: str, params: dict[str, Any]) -> "MLPRegressor":
        out = cls()
        with np.load(folder / file) as data:
            n = sum(1 for k in data.files if k.startswith("w"))
            out._weights = [data[f"w{i}"] for i in range(n)]
            out._stats = {k: data[k] for k in ("x_mean", "x_scale", "y")}
        out.params_ = params
        return out


def _forward(weights: list[np.ndarray], Z: np.ndarray) -> list[np.ndarray]:
    """Activations of every layer (input first, output last)."""
    acts = [Z]
    n_layers = len(weights) // 2
    for layer in range(n_layers):
        h = acts[-1] @ weights[2 * layer] + weights[2 * layer + 1]
        acts.append(np.maximum(h, 0) if layer < n_layers - 1 else h)
    return acts


def _backprop(weights: list[np.ndarray], Z: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """Gradients of the mean squared error, in the order of ``weights``."""
    acts = _forward(weights, Z)
    delta = (2.0 / len(y)) * (acts[-1][:, 0] - y)[:, None]
    grads: list[np.ndarray] = [np.empty(0)] * len(weights)
    for layer in range(len(weights) // 2 - 1, -1, -1):
        grads[2 * layer] = acts[layer].T @ delta
        grads[2 * layer + 1] = delta.sum(0)
        if layer:
            delta = (delta @ weights[2 * layer].T) * (acts[layer] > 0)
    return grads


class MLP2Regressor(MLPRegressor):
    name = "mlp2"
    depth = 2


class MLP3Regressor(MLPRegressor):
    name = "mlp3"
    depth = 3


# --- kernel-level cost sum ----------------------------------------------------------------------
class CostSumRegressor(Regressor):
    """``y = b + sum_k w_k op_k`` with ``w >= 0`` over the ``op_*`` features (NNLS, scaled)."""

    name = "costsum"
    linear_target = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._coef: np.ndarray = np.empty(0)
        self._columns: list[int] = []

    def _fit(self, X, y, Xv, yv, params):
        from scipy.optimize import nnls

        if self.feature_names is None:
            raise DataError("costsum needs feature names (it sums the op_* cost columns)")
        self._columns = [i for i, n in enumerate(self.feature_names) if n.startswith("op_")]
        if not self._columns:
            raise DataError("costsum needs the 'costs' feature set (no op_* columns in the features)")
        A = X[:, self._columns]
        scale = np.maximum(np.abs(A).max(0), 1e-12)
        # non-negative weights; a free offset (as the difference of two non-negative columns)
        design = np.concatenate([A / scale, np.ones((len(A), 1)), -np.ones((len(A), 1))], axis=1)
        coef, _ = nnls(design, y)
        self._coef = np.concatenate([coef[:-2] / scale, [coef[-2] - coef[-1]]])
        return params

    def _predict(self, X):
        return X[:, self._columns] @ self._coef[:-1] + self._coef[-1]

    def save(self, folder: Path) -> str:
        data = {"columns": self._columns, "coef": self._coef.tolist()}
        (folder / "model.json").write_text(json.dumps(data, indent=1) + "\n")
        return "model.json"

    @classmethod
    def load(cls, folder: Path, file: str, params: dict[str, Any]) -> "CostSumRegressor":
        out = cls()
        data = json.loads((folder / file).read_text())
        out._columns, out._coef = list(data["columns"]), np.asarray(data["coef"], dtype=np.float64)
        out.params_ = params
        return out


_MODELS: dict[str, Callable[..., Regressor]] = {
    cls.name: cls for cls in (XGBoostRegressor, LightGBMRegressor, MLP2Regressor, MLP3Regressor, CostSumRegressor)
}
PAPER_MODELS = ("xgboost", "lightgbm", "mlp2", "mlp3")


def list_models() -> list[str]:
    """Registered predictor names."""
    return list(_MODELS)


def model_class(name: str) -> type[Regressor]:
    if name not in _MODELS:
        raise DataError(f"unknown predictor {name!r}; expected one of {', '.join(_MODELS)}")
    return _MODELS[name]  # type: ignore[return-value]


def make_model(name: str, *, seed: int = 0, n_jobs: int = 1, feature_names: Sequence[str] | None = None) -> Regressor:
    """An unfitted predictor of kind ``name`` (see :func:`list_models`)."""
    return model_class(name)(seed=seed, n_jobs=n_jobs, feature_names=feature_names)
