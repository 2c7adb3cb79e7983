"""Surrogates of one objective: fit on evaluated genomes, predict mean and spread.

Every surrogate works in its own *score space* ``z``, monotone in the objective (lower is
better) and scaled so the training points lie in ``[0, 1]``:

- :class:`RankEnsemble` (HyT-NAS): ``z`` is the normalised rank, ``rank / (n - 1)``. Each
  XGBoost ranker's raw scores are turned into normalised ranks by placing them among its
  scores of the training points (0 = ranked above every training point, 1 = below every
  one, linear in between and outside); mean and standard deviation are over the members.
- :class:`GaussianProcess` (GP-MOBO): ``z`` is the min-max normalised objective; mean and
  standard deviation are the posterior of a BoTorch GP.

``targets(y)`` puts training values in the same space, so the acquisition and the
evaluated front are compared in one frame. Public ``fit``/``predict`` wrap protected
``_fit_jobs``/``_predict_jobs`` (pymoo style); the jobs of several surrogates share one
thread pool through :func:`fit_all` and :func:`predict_all`.
"""

from __future__ import annotations

import ctypes
import threading
import warnings
from abc import ABC, abstractmethod
from dataclasses import dataclass
from contextlib import contextmanager
from functools import partial
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from hytnas.errors import ConfigError
from hytnas.runs.executor import Executor, map_values

RANKER_GRID: dict[str, tuple[float, ...]] = {
    "n_estimators": (100, 400, 800, 1000),
    "max_depth": (3, 6, 12),
    "learning_rate": (0.01, 0.1, 0.5),
}
"""The paper's hyperparameter grid for each ensemble member."""


Job = tuple[float, Callable[[], Any]]
"""A unit of work: (estimated cost, zero-argument callable)."""


def _call(fn: Callable[[], Any]) -> Any:
    return fn()


def run_jobs(jobs: Sequence[Job], executor: Executor | None = None) -> list[Any]:
    """Results of ``fn()`` for each ``(cost, fn)``, in input order.

    On an executor (a :class:`~hytnas.runs.executor.ThreadExecutor`: the callables are
    closures, not picklable), jobs start most expensive first (longest-processing-time
    scheduling), so two threads finish close together. XGBoost and NumPy release the GIL,
    so threads run in parallel.
    """
    if executor is None or len(jobs) <= 1:
        return [fn() for _, fn in jobs]
    return map_values(executor, _call, [fn for _, fn in jobs], costs=[cost for cost, _ in jobs])


class Surrogate(ABC):
    """Model of one objective over ``n x d`` int genomes with cardinalities ``(d,)``.

    Subclasses split fitting and prediction into jobs (``_fit_jobs``, ``_predict_jobs``) so
    several surrogates can share one thread pool (:func:`fit_all`, :func:`predict_all`).
    """

    def __init__(self, cardinalities: np.ndarray) -> None:
        self.cardinalities = np.asarray(cardinalities, dtype=np.int64)
        self._fitted = False

    def encode(self, X: np.ndarray) -> np.ndarray:
        """``n x d`` indices -> ``n x d`` float in ``[0, 1]`` (index / (k - 1))."""
        scale = np.maximum(self.cardinalities - 1, 1).astype(np.float64)
        return np.asarray(X, dtype=np.float64) / scale

    def fit(self, X: np.ndarray, y: np.ndarray, executor: Executor | None = None) -> "Surrogate":
        """Fit on ``n x d`` genomes and their ``(n,)`` objective values (minimised)."""
        fit_all([self], X, np.asarray(y, dtype=np.float64).reshape(-1, 1), executor)
        return self

    def predict(self, X: np.ndarray, executor: Executor | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Mean and standard deviation in score space, each ``(n,)``, for ``n x d`` genomes."""
        mean, std = predict_all([self], X, executor)
        return mean[:, 0], std[:, 0]

    @abstractmethod
    def targets(self, y: np.ndarray) -> np.ndarray:
        """``(n,)`` training values in score space (after ``fit`` on the same points)."""

    @abstractmethod
    def values(self, z: np.ndarray) -> np.ndarray:
        """``(n,)`` scores mapped back to objective values (the inverse of :meth:`targets`,
        extended beyond the training points' span)."""

    def sample(self, X: np.ndarray, seed: int) -> np.ndarray:
        """``(n,)`` scores of one draw from the model's belief at ``n x d`` genomes (Thompson
        sampling). Here each point independently, ``mean + std * N(0, 1)``; a model with a
        joint posterior (:class:`GaussianProcess`) draws the points jointly."""
        mean, std = self.predict(X)
        return mean + std * np.random.default_rng(seed).standard_normal(len(mean))

    @abstractmethod
    def _fit_jobs(self, X: np.ndarray, y: np.ndarray) -> list[Job]:
        """Jobs that together fit the model on ``n x d`` ``X`` and ``(n,)`` ``y``."""

    @abstractmethod
    def _predict_jobs(self, X: np.ndarray) -> list[Job]:
        """Jobs whose results :meth:`_combine` turns into ``(mean, std)``."""

    @abstractmethod
    def _combine(self, parts: list[Any]) -> tuple[np.ndarray, np.ndarray]: ...


def fit_all(surrogates: Sequence[Surrogate], X: np.ndarray, F: np.ndarray, executor: Executor | None = None) -> None:
    """Fit surrogate ``j`` on ``n x d`` ``X`` and column ``j`` of ``n x m`` ``F``, sharing the executor."""
    X = np.asarray(X, dtype=np.int64)
    F = np.asarray(F, dtype=np.float64)
    if F.ndim != 2 or len(X) != len(F) or F.shape[1] != len(surrogates) or len(X) < 2:
        raise ConfigError(f"surrogates need >= 2 points and one column per surrogate, got X {X.shape}, F {F.shape}")
    jobs: list[Job] = []
    for j, s in enumerate(surrogates):
        jobs += s._fit_jobs(X, F[:, j])
    run_jobs(jobs, executor)
    for s in surrogates:
        s._fitted = True


def predict_all(
    surrogates: Sequence[Surrogate], X: np.ndarray, executor: Executor | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Means and standard deviations of ``n x d`` genomes, each ``n x m`` (one column per surrogate)."""
    if not all(s._fitted for s in surrogates):
        raise RuntimeError("surrogate used before fit")
    X = np.asarray(X, dtype=np.int64)
    per = [s._predict_jobs(X) for s in surrogates]
    flat = run_jobs([job for jobs in per for job in jobs], executor)
    means, stds, at = [], [], 0
    for s, jobs in zip(surrogates, per):
        mean, std = s._combine(flat[at : at + len(jobs)])
        at += len(jobs)
        means.append(mean)
        stds.append(std)
    return np.stack(means, axis=1), np.stack(stds, axis=1)


def normalised_rank(y: np.ndarray) -> np.ndarray:
    """``(n,)`` values -> ``(n,)`` ranks scaled to ``[0, 1]``, lowest value 0, ties averaged."""
    from scipy.stats import rankdata  # lazy: scipy.stats takes most of a second to import

    y = np.asarray(y, dtype=np.float64)
    if len(y) < 2:
        return np.zeros(len(y))
    return (rankdata(y, method="average") - 1.0) / (len(y) - 1.0)


@dataclass(frozen=True)
class RankerParams:
    """Hyperparameters of one ensemble member."""

    n_estimators: int
    max_depth: int
    learning_rate: float
    seed: int


def draw_ranker_params(size: int, rng: np.random.Generator) -> list[RankerParams]:
    """``size`` members with hyperparameters drawn uniformly from :data:`RANKER_GRID`."""
    out = []
    for _ in range(size):
        out.append(
            RankerParams(
                n_estimators=int(rng.choice(RANKER_GRID["n_estimators"])),
                max_depth=int(rng.choice(RANKER_GRID["max_depth"])),
                learning_rate=float(rng.choice(RANKER_GRID["learning_rate"])),
                seed=int(rng.integers(0, 2**31 - 1)),
            )
        )
    return out


def _boost(booster: Any, data: Any, rounds: int) -> None:
    """``rounds`` boosting rounds: ``xgb.train`` without its callbacks and final reset.

    After a first round through the public ``Booster.update`` (which checks the features),
    rounds go straight to ``XGBoosterUpdateOneIter``: ``update`` re-reads the feature names
    and types on every round, about 30% of the fitting time on a few hundred rows. Same
    trees either way; falls back to ``update`` if the private handle is missing.
    """
    booster.update(data, 0)
    try:
        from xgboost.core import _LIB, _check_call
    except ImportError:  # pragma: no cover - other xgboost versions
        for iteration in range(1, rounds):
            booster.update(data, iteration)
        return
    for iteration in range(1, rounds):
        _check_call(_LIB.XGBoosterUpdateOneIter(booster.handle, ctypes.c_int(iteration), data.handle))


class _Ranker:
    """One XGBoost pairwise ranker mapping raw scores to normalised ranks."""

    def __init__(self, params: RankerParams) -> None:
        self.params = params
        self._booster: Any = None
        self._sorted: np.ndarray = np.empty(0)

    @property
    def cost(self) -> float:
        """Relative fitting cost (trees x depth), for scheduling."""
        return float(self.params.n_estimators * (1 + self.params.max_depth))

    def fit(self, Xf: np.ndarray, relevance: np.ndarray, reference: np.ndarray | None = None) -> "_Ranker":
        """Fit on ``n x d`` float32 features and ``(n,)`` relevance (higher = better), one query.

        ``reference`` (``n' x d``, default ``Xf``) are the points whose scores define the
        normalised ranks: all evaluated points, when ``Xf`` is a bootstrap resample of them.
        """
        import xgboost as xgb

        # XGBoost's native API (XGBRanker's settings, without the scikit-learn wrapper's
        # per-fit overhead); one thread each, also for the DMatrix (its default is all cores).
        data = xgb.DMatrix(Xf, label=relevance, nthread=1)
        data.set_group([len(Xf)])
        params = {
            "objective": "rank:pairwise",
            "max_depth": self.params.max_depth,
            "learning_rate": self.params.learning_rate,
            "tree_method": "hist",
            "lambdarank_pair_method": "mean",
            "lambdarank_num_pair_per_sample": 1,
            "nthread": 1,
            "seed": self.params.seed,
        }
        booster = xgb.Booster(params, [data])
        _boost(booster, data, self.params.n_estimators)
        self._booster = booster
        self._sorted = np.sort(self._scores(Xf if reference is None else reference))
        return self

    def _scores(self, Xf: np.ndarray) -> np.ndarray:
        return np.asarray(self._booster.inplace_predict(Xf), dtype=np.float64)

    def normalised(self, Xf: np.ndarray) -> np.ndarray:
        """``(n,)`` normalised ranks: position of each score among the training scores."""
        s = self._scores(Xf)
        ref = self._sorted
        n = len(ref)
        # Highest training score -> 0 (best), lowest -> 1; linear beyond the ends.
        grid = np.linspace(1.0, 0.0, n)
        span = max(ref[-1] - ref[0], 1e-12)
        z = np.interp(s, ref, grid)
        z = np.where(s > ref[-1], -(s - ref[-1]) / span, z)
        return np.where(s < ref[0], 1.0 + (ref[0] - s) / span, z)


class RankEnsemble(Surrogate):
    """HyT-NAS surrogate: ``size`` XGBoost rankers (rank:pairwise), hyperparameters drawn once.

    Args:
        cardinalities: ``(d,)`` choices per genome column.
        size: ensemble size.
        seed: draws the members' hyperparameters and seeds.
        bootstrap: fit each member on its own resample (with replacement, ``n`` of the ``n``
            points, redrawn at every fit), so the members' spread measures how much the data
            pin the ranking down; without it every member sees every point and the spread
            comes only from their hyperparameters.
    """

    def __init__(
        self, cardinalities: np.ndarray, size: int = 5, seed: int | Sequence[int] = 0, bootstrap: bool = False
    ) -> None:
        super().__init__(cardinalities)
        if size < 1:
            raise ConfigError(f"ensemble size must be >= 1, got {size}")
        self.members = [_Ranker(p) for p in draw_ranker_params(size, np.random.default_rng(seed))]
        self.bootstrap = bool(bootstrap)
        self._resample_rng = np.random.default_rng(seed)
        self._sorted_y = np.zeros(2)

    def targets(self, y: np.ndarray) -> np.ndarray:
        return normalised_rank(y)

    def values(self, z: np.ndarray) -> np.ndarray:
        """Normalised ranks -> values through the training values' empirical quantiles: rank
        0 is the best value, 1 the worst, linear between neighbours; beyond ``[0, 1]`` the
        values' full span per unit of rank (as the ranks themselves are extended)."""
        z = np.asarray(z, dtype=np.float64)
        ys = self._sorted_y
        span = max(float(ys[-1] - ys[0]), 1e-12)
        v = np.interp(z, np.linspace(0.0, 1.0, len(ys)), ys)
        v = np.where(z < 0.0, ys[0] + z * span, v)
        return np.where(z > 1.0, ys[-1] + (z - 1.0) * span, v)

    def _fit_jobs(self, X: np.ndarray, y: np.ndarray) -> list[Job]:
        from scipy.stats import rankdata

        Xf = self.encode(X).astype(np.float32)
        self._sorted_y = np.sort(np.asarray(y, dtype=np.float64))
        jobs: list[Job] = []
        for member in self.members:
            rows = self._resample_rng.integers(0, len(y), len(y)) if self.bootstrap else np.arange(len(y))
            sample = y[rows]
            # Relevance: higher is better, so the best (lowest) value gets n - 1.
            relevance = (len(sample) - 1) - (rankdata(sample, method="min") - 1)
            reference = Xf if self.bootstrap else None
            jobs.append((member.cost, partial(member.fit, Xf[rows], relevance, reference)))
        return jobs

    def _predict_jobs(self, X: np.ndarray) -> list[Job]:
        Xf = self.encode(X).astype(np.float32)
        return [(m.cost, partial(m.normalised, Xf)) for m in self.members]

    def _combine(self, parts: list[Any]) -> tuple[np.ndarray, np.ndarray]:
        Z = np.stack(parts, axis=0)
        return Z.mean(axis=0), Z.std(axis=0)


_TORCH_LOCK = threading.Lock()
_TORCH_DEPTH = 0
_TORCH_SAVED = 1


@contextmanager
def torch_threads(n: int) -> Iterator[None]:
    """Run the block with torch's intra-op thread count set to ``n``, then restore it.

    Torch's pool is process-wide; GP fits on a few hundred points gain nothing from more
    than one thread and, on a loaded machine, lose 10x to spinning threads. Safe to nest
    and to enter from several threads: the outermost entry sets, the last exit restores.
    """
    import torch

    global _TORCH_DEPTH, _TORCH_SAVED
    with _TORCH_LOCK:
        if _TORCH_DEPTH == 0:
            _TORCH_SAVED = torch.get_num_threads()
            torch.set_num_threads(int(n))
        _TORCH_DEPTH += 1
    try:
        yield
    finally:
        with _TORCH_LOCK:
            _TORCH_DEPTH -= 1
            if _TORCH_DEPTH == 0:
                torch.set_num_threads(_TORCH_SAVED)


class GaussianProcess(Surrogate):
    """GP-MOBO surrogate: BoTorch ``SingleTaskGP`` (its default kernel and priors, outcome
    standardised) on the ``[0, 1]`` encoding, targets min-max normalised.

    Kernel hyperparameters are refit by maximum marginal likelihood, starting from the
    previous fit's values (``first_maxiter`` L-BFGS steps for the first fit, ``maxiter``
    after), which keeps a 500-evaluation run affordable. With ``refit_every`` k > 1 they
    are re-optimised on every k-th fit only; the fits between condition the GP on all
    points with the last hyperparameters (an exact posterior, one Cholesky factorisation
    instead of an optimisation over them). With ``log_targets`` the GP models the logarithm
    of the objective (positive objectives only; multiplicative effects become additive).
    Fitting involves no randomness (``seed`` is accepted for a uniform interface); posterior
    draws (:meth:`sample`) take their own seed. Torch runs on one thread while fitting,
    predicting and drawing (:func:`torch_threads`).
    """

    def __init__(
        self,
        cardinalities: np.ndarray,
        seed: int | Sequence[int] = 0,
        maxiter: int = 20,
        first_maxiter: int = 200,
        refit_every: int = 1,
        log_targets: bool = False,
    ) -> None:
        super().__init__(cardinalities)
        if int(refit_every) < 1:
            raise ConfigError(f"refit_every must be >= 1, got {refit_every}")
        self.log_targets = bool(log_targets)
        self.maxiter = int(maxiter)
        self.first_maxiter = int(first_maxiter)
        self.refit_every = int(refit_every)
        self._fits = 0
        self._hyper: tuple[dict[str, Any], dict[str, Any], dict[str, Any]] | None = None
        """The last fit's ``state_dict`` of the kernel, the likelihood and the constant mean."""
        self._model: Any = None
        self._lo = 0.0
        self._span = 1.0

    @property
    def model(self) -> Any:
        """The fitted BoTorch model (for acquisition functions that need it)."""
        if self._model is None:
            raise RuntimeError("surrogate used before fit")
        return self._model

    def _warp(self, y: np.ndarray) -> np.ndarray:
        y = np.asarray(y, dtype=np.float64)
        if not self.log_targets:
            return y
        if np.any(y <= 0.0):
            raise ConfigError(f"log_targets needs positive objective values, got a minimum of {float(y.min()):g}")
        return np.log(y)

    def targets(self, y: np.ndarray) -> np.ndarray:
        return (self._warp(y) - self._lo) / self._span

    def values(self, z: np.ndarray) -> np.ndarray:
        v = self._lo + np.asarray(z, dtype=np.float64) * self._span
        return np.exp(v) if self.log_targets else v

    def _fit_jobs(self, X: np.ndarray, y: np.ndarray) -> list[Job]:
        return [(1.0, partial(self._fit, X, y))]

    def _predict_jobs(self, X: np.ndarray) -> list[Job]:
        return [(1.0, partial(self._posterior, X))]

    def _combine(self, parts: list[Any]) -> tuple[np.ndarray, np.ndarray]:
        return parts[0]

    def _fit(self, X: np.ndarray, y: np.ndarray) -> None:
        with torch_threads(1):
            self._fit_torch(X, y)

    def _fit_torch(self, X: np.ndarray, y: np.ndarray) -> None:
        import torch
        from botorch.models import SingleTaskGP
        from botorch.models.transforms import Standardize
        from botorch.optim.fit import fit_gpytorch_mll_scipy
        from gpytorch.mlls import ExactMarginalLogLikelihood

        t = self._warp(y)
        self._lo = float(t.min())
        self._span = max(float(t.max() - t.min()), 1e-12)
        train_x = torch.as_tensor(self.encode(X), dtype=torch.float64)
        train_y = torch.as_tensor(self.targets(y), dtype=torch.float64).unsqueeze(-1)
        model = SingleTaskGP(train_x, train_y, outcome_transform=Standardize(m=1))
        hyper = self._hyper
        if hyper is not None:
            model.covar_module.load_state_dict(hyper[0])
            model.likelihood.load_state_dict(hyper[1])
        optimise = hyper is None or self._fits % self.refit_every == 0
        self._fits += 1
        if hyper is not None and not optimise:  # the constant mean too: every hyperparameter as last optimised
            model.mean_module.load_state_dict(hyper[2])
        else:
            mll = ExactMarginalLogLikelihood(model.likelihood, model)
            maxiter = self.first_maxiter if hyper is None else self.maxiter
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    fit_gpytorch_mll_scipy(mll, options={"maxiter": maxiter})
                except Exception:  # numerical trouble: keep the starting hyperparameters
                    if hyper is None:
                        raise
                    model.covar_module.load_state_dict(hyper[0])
                    model.likelihood.load_state_dict(hyper[1])
        model.eval()
        self._hyper = (model.covar_module.state_dict(), model.likelihood.state_dict(), model.mean_module.state_dict())
        self._model = model

    @contextmanager
    def _posterior_at(self, X: np.ndarray) -> Iterator[Any]:
        """The fitted model's posterior at ``n x d`` genomes, used inside the block: torch on one
        thread, no gradients, the model's numerical warnings silenced."""
        import torch

        with torch_threads(1), torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield self.model.posterior(torch.as_tensor(self.encode(X), dtype=torch.float64))

    def sample(self, X: np.ndarray, seed: int) -> np.ndarray:
        """``(n,)`` scores of one joint draw from the GP posterior at ``n x d`` genomes (one
        function sampled over all of them, as Thompson sampling needs), from ``seed``."""
        import torch

        if not len(X):
            return np.empty(0, dtype=np.float64)
        with torch.random.fork_rng(), self._posterior_at(X) as post:
            torch.manual_seed(int(seed))
            draw = post.rsample(torch.Size([1]))
        return draw.reshape(-1).numpy().astype(np.float64)

    def _posterior(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with self._posterior_at(X) as post:
            mean = post.mean.squeeze(-1).numpy().astype(np.float64)
            std = post.variance.clamp_min(0.0).sqrt().squeeze(-1).numpy().astype(np.float64)
        return mean, std
