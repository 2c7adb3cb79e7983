"""Final training and Table II: HyT-NAS-BL, -BA and -O against published networks.

::

    from hytnas.final import read_pareto, select
    picks = select(read_pareto("reports/search/pareto_hytnas.csv", get_space("table1")))

The stage itself is :func:`hytnas.pipeline.train_final.run`.

Modules: :mod:`~hytnas.final.selection` (BL/BA/O and constraints),
:mod:`~hytnas.final.networks` (picks and baselines as buildable descriptions),
:mod:`~hytnas.final.task` (train one network; time one network),
:mod:`~hytnas.nn.onnx_export` (ONNX export and onnxruntime check),
:mod:`~hytnas.final.summary` (seeds -> mean/std, headline, metrics),
:mod:`~hytnas.final.plan` (networks, jobs and keys, checked before training),
:mod:`~hytnas.final.artifacts` (weights and exports, ``models/final``),
:mod:`~hytnas.final.table` (``table2.md``), :mod:`~hytnas.final.paper_table2` (the paper's
figures), :mod:`~hytnas.final.paper_params` (which networks have the paper's parameter counts),
:mod:`~hytnas.final.report` (the benchmark record), :mod:`~hytnas.final.curves` (DVCLive),
:mod:`~hytnas.final.figure`.
"""

from hytnas.nn.onnx_export import OnnxCheck, check_onnx, export_onnx
from hytnas.final.networks import FinalNetwork, baseline_networks, picked_networks
from hytnas.final.paper_table2 import PAPER_TABLE2, PaperRow, paper_row
from hytnas.final.selection import Pick, SelectionError, knee_distances, read_pareto, select
from hytnas.final.plan import plan_networks
from hytnas.final.task import TrainPayload, final_train_task

__all__ = [
    "FinalNetwork",
    "OnnxCheck",
    "PAPER_TABLE2",
    "PaperRow",
    "Pick",
    "SelectionError",
    "TrainPayload",
    "baseline_networks",
    "check_onnx",
    "export_onnx",
    "final_train_task",
    "knee_distances",
    "paper_row",
    "picked_networks",
    "plan_networks",
    "read_pareto",
    "select",
]
