"""A fitted predictor: features of one space, a target transform and a zoo regressor.

Typical use (the search stage)::

    predictor = load_predictor("models/predictors/latency")
    latency_ms = predictor.predict_genomes(space, genomes)   # n x d genomes -> (n,)

A predictor is saved as a folder: ``predictor.json`` (metadata: format version, model kind
and hyperparameters, space, feature set, feature names in order, resolution, target, unit,
transform, training rows, library versions) beside the model file in its library's native
format (XGBoost JSON, LightGBM text, ``.npz`` weights). Loading checks the metadata; feeding
features or genomes of another space raises :class:`~hytnas.errors.DataError`.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from hytnas.errors import DataError
from hytnas.io import read_json, write_json
from hytnas.predictors.features import FeatureSet
from hytnas.predictors.models import Regressor, make_model, model_class
from hytnas.predictors.tables import Table
from hytnas.space import CategoricalSpace, get_space

FORMAT_VERSION = 1
META_FILE = "predictor.json"
Transform = Literal["log", "none"]
TRANSFORMS = ("log", "none")
CACHE_LIMIT = 100_000  # feature rows kept per predictor (about 70 MB at 90 features)


def default_transform(target: str, model: str) -> Transform:
    """``log`` for latency-like targets (``*_ms``, ``latency*``), ``none`` otherwise and for
    models linear in the target's units (``costsum``)."""
    if model_class(model).linear_target:
        return "none"
    return "log" if target.endswith("_ms") or target.startswith("latency") else "none"


def _forward(y: np.ndarray, transform: Transform) -> np.ndarray:
    if transform == "log":
        if np.any(y <= 0):
            raise DataError("log transform needs positive targets; found values <= 0")
        return np.log(y)
    return y


def _inverse(z: np.ndarray, transform: Transform) -> np.ndarray:
    return np.exp(z) if transform == "log" else z


@dataclass
class Predictor:
    """A regressor with the feature set, transform and metadata it was fitted with.

    Attributes:
        model: the fitted zoo regressor.
        features: how rows become features.
        feature_names: ``k`` column names, in order.
        target: target column name; ``unit`` its unit.
        transform: ``log`` or ``none``, applied to the target before fitting.
        info: extra metadata (training rows, source...).
    """

    model: Regressor
    features: FeatureSet
    feature_names: list[str]
    target: str
    unit: str
    transform: Transform
    info: dict[str, Any] = field(default_factory=dict)
    _cache: dict[bytes, np.ndarray] = field(default_factory=dict, repr=False)
    _names_checked: bool = field(default=False, repr=False)

    @property
    def space(self) -> str:
        return self.features.space

    @property
    def kind(self) -> str:
        return self.model.name

    # --- prediction ---------------------------------------------------------------------
    def predict_features(self, X: np.ndarray) -> np.ndarray:
        """``(n,)`` predictions in the target's units from ``n x k`` features."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(self.feature_names):
            raise DataError(
                f"predictor ({self.kind}, space {self.space}) expects n x {len(self.feature_names)} "
                f"features, got shape {X.shape}"
            )
        return _inverse(self.model.predict(X), self.transform)

    def predict_genomes(self, space: CategoricalSpace, genomes: np.ndarray) -> np.ndarray:
        """``(n,)`` predictions for ``n x d`` genomes (choice indices) of ``space``.

        Features of genomes seen before come from a per-predictor cache (the search scores
        overlapping populations); about 0.1-0.3 ms per new genome, 2 us per cached one.

        Raises:
            DataError: ``space`` is not the space the predictor was fitted on.
        """
        self.check_space(space)
        genomes = np.asarray(genomes, dtype=np.int64)
        if genomes.ndim == 1:
            genomes = genomes[None, :]
        if len(genomes) == 0:
            return np.empty(0)
        # decoding genomes into networks dominates (~0.2 ms each): keep each genome's features
        cache = self._cache if self.features.kind != "encoding" else None
        if cache is not None and len(cache) > CACHE_LIMIT:
            cache.clear()
        return self.predict_features(self.features.from_genomes(space, genomes, cache))

    def predict_table(self, table: Table) -> np.ndarray:
        """``(n,)`` predictions for the rows of a measurement table of the same space."""
        if table.space != self.space:
            raise DataError(f"predictor fitted on space {self.space!r} cannot score a table of space {table.space!r}")
        return self.predict_features(self.features.from_parts(table.encoding, table.specs))

    def check_space(self, space: CategoricalSpace) -> None:
        """Raise :class:`DataError` unless ``space`` is the predictor's space and this version
        of the library computes the features the predictor was fitted on, in the same order."""
        if space.name != self.space or space.dim_names != self.info.get("dim_names", space.dim_names):
            raise DataError(
                f"predictor fitted on space {self.space!r} was given genomes of space {space.name!r}; "
                f"refit it on that space's measurements"
            )
        if not self._names_checked:
            current = self.features.names(space)
            if current != self.feature_names:
                changed = next((a for a, b in zip(self.feature_names, current) if a != b), "their number")
                raise DataError(
                    f"predictor ({self.kind}, space {self.space}) was fitted on {len(self.feature_names)} "
                    f"'{self.features.kind}' features, this version computes {len(current)} "
                    f"(first difference: {changed}); refit it"
                )
            self._names_checked = True

    # --- persistence --------------------------------------------------------------------
    def metadata(self) -> dict[str, Any]:
        import lightgbm
        import sklearn
        import xgboost

        from hytnas import __version__

        return {
            "format_version": FORMAT_VERSION,
            "model": self.kind,
            "model_params": self.model.params_,
            "space": self.space,
            "feature_set": self.features.kind,
            "resolution": self.features.resolution,
            "feature_names": self.feature_names,
            "target": self.target,
            "unit": self.unit,
            "transform": self.transform,
            "info": self.info,
            "versions": {
                "hytnas": __version__,
                "xgboost": xgboost.__version__,
                "lightgbm": lightgbm.__version__,
                "scikit-learn": sklearn.__version__,
                "numpy": np.__version__,
            },
        }

    def save(self, folder: str | Path) -> Path:
        """Write the predictor into ``folder`` (replaced as a whole, atomically per file)."""
        folder = Path(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        staging.chmod(0o755)
        try:
            meta = self.metadata()
            meta["file"] = self.model.save(staging)
            write_json(staging / META_FILE, meta)
            if folder.exists():
                old = folder.with_name(f".{folder.name}.old")
                shutil.rmtree(old, ignore_errors=True)
                folder.rename(old)
                staging.rename(folder)
                shutil.rmtree(old, ignore_errors=True)
            else:
                staging.rename(folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return folder


def fit_predictor(
    table: Table,
    model: str = "xgboost",
    *,
    feature_set: str = "costs",
    resolution: int = 224,
    transform: Transform | Literal["auto"] = "auto",
    seed: int = 0,
    n_jobs: int = 1,
) -> Predictor:
    """Fit predictor ``model`` on every row of ``table``.

    Args:
        table: ``n`` measured architectures of one space.
        model: a zoo name (:func:`hytnas.predictors.models.list_models`).
        feature_set: ``encoding`` or ``costs``.
        resolution: input side for cost features, pixels.
        transform: ``log``, ``none`` or ``auto`` (:func:`default_transform`).
        seed: seed of inner validation and of the model.
        n_jobs: threads.
    """
    space = get_space(table.space)
    features = FeatureSet(space=table.space, kind=feature_set, resolution=resolution)
    names = features.names(space)
    chosen: Transform = default_transform(table.target, model) if transform == "auto" else transform
    if chosen not in TRANSFORMS:
        raise DataError(f"transform {transform!r} unknown; expected log, none or auto")
    X = features.from_parts(table.encoding, table.specs)
    regressor = make_model(model, seed=seed, n_jobs=n_jobs, feature_names=names)
    regressor.fit(X, _forward(table.y, chosen), groups=table.group_ids())
    info = {"rows": len(table), "source": table.source, "dim_names": space.dim_names}
    return Predictor(regressor, features, names, table.target, table.unit, chosen, info)


def load_predictor(folder: str | Path) -> Predictor:
    """A predictor saved by :meth:`Predictor.save`; :class:`DataError` if it is not one."""
    folder = Path(folder)
    meta_path = folder / META_FILE
    if not meta_path.is_file():
        raise DataError(f"{folder}: not a saved predictor (no {META_FILE})")
    meta = read_json(meta_path, "a predictor's metadata object")
    if not isinstance(meta, dict):
        raise DataError(f"{meta_path}: holds a JSON {type(meta).__name__}; expected a predictor's metadata object")
    if meta.get("format_version") != FORMAT_VERSION:
        raise DataError(f"{meta_path}: format_version {meta.get('format_version')!r}, expected {FORMAT_VERSION}")
    try:
        cls = model_class(meta["model"])
        regressor = cls.load(folder, meta["file"], meta.get("model_params", {}))
        regressor.feature_names = list(meta["feature_names"])
        features = FeatureSet(space=meta["space"], kind=meta["feature_set"], resolution=int(meta["resolution"]))
    except KeyError as err:
        raise DataError(f"{meta_path}: missing key {err}") from None
    return Predictor(
        model=regressor,
        features=features,
        feature_names=list(meta["feature_names"]),
        target=meta["target"],
        unit=meta.get("unit", ""),
        transform=meta["transform"],
        info=meta.get("info", {}),
    )
