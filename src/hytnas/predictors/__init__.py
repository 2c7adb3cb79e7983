"""Accuracy and latency predictors: zoo, features, honest evaluation, saved oracles.

The search stage's entry point::

    from hytnas.predictors import load_predictor
    predictor = load_predictor("models/predictors/latency")
    values = predictor.predict_genomes(space, genomes)   # n x d genome indices -> (n,)

Modules: :mod:`~hytnas.predictors.costs` (analytic kernel-level costs),
:mod:`~hytnas.predictors.features` (feature sets), :mod:`~hytnas.predictors.tables`
(reading and validating measurement tables), :mod:`~hytnas.predictors.models` (the zoo),
:mod:`~hytnas.predictors.predictor` (fit, save, load, predict),
:mod:`~hytnas.predictors.evaluate` (cross-validation, learning curves),
:mod:`~hytnas.predictors.study` (the stage's comparison and outputs),
:mod:`~hytnas.predictors.commands` (CLI).
"""

from hytnas.predictors.evaluate import cross_validate, learning_curve, score, summarize
from hytnas.predictors.features import FEATURE_SETS, FeatureSet
from hytnas.predictors.models import Regressor, list_models, make_model
from hytnas.predictors.predictor import Predictor, fit_predictor, load_predictor
from hytnas.predictors.tables import (
    Table,
    TableWarning,
    read_pipeline_table,
    read_released_dir,
    read_released_table,
    read_table,
)

__all__ = [
    "FEATURE_SETS",
    "FeatureSet",
    "Predictor",
    "Regressor",
    "Table",
    "TableWarning",
    "cross_validate",
    "fit_predictor",
    "learning_curve",
    "list_models",
    "load_predictor",
    "make_model",
    "read_pipeline_table",
    "read_released_dir",
    "read_released_table",
    "read_table",
    "score",
    "summarize",
]
