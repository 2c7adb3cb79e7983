"""Networks: blocks, the ArchSpec -> module builder, cost measurement and published models.

Only this package turns an :class:`~hytnas.archspec.ArchSpec` into a ``torch.nn.Module``::

    from hytnas.nn import build_model, count_macs, get_model, stage_features
    model = build_model(spec, num_classes=2)            # B x 3 x H x W -> B x 2
    count_macs(model, 224); stage_features(spec, 224)  # measured / analytic costs

The analytic costs (:func:`summarize`, :func:`stage_costs`, :func:`stage_features`,
:class:`StageCost`) and :func:`validate_spec` are torch-free, in :mod:`hytnas.cost` and
:mod:`hytnas.archspec`; they are re-exported here.
"""

from hytnas.nn.blocks import (
    ConvBNAct,
    DepthwiseSeparable,
    FeedForward,
    InvertedResidual,
    MobileViTBlock,
    SelfAttention,
    TransformerEncoderLayer,
    make_divisible,
)
from hytnas.archspec import validate_spec
from hytnas.cost import StageCost, stage_costs, stage_features, summarize
from hytnas.nn.builder import Network, build_model, build_stage
from hytnas.nn.measure import count_macs, count_params
from hytnas.nn.zoo import ZooEntry, get_model, get_model_spec, get_zoo_entry, list_model_specs

__all__ = [
    "ConvBNAct",
    "DepthwiseSeparable",
    "FeedForward",
    "InvertedResidual",
    "MobileViTBlock",
    "Network",
    "SelfAttention",
    "StageCost",
    "TransformerEncoderLayer",
    "ZooEntry",
    "build_model",
    "build_stage",
    "count_macs",
    "count_params",
    "get_model",
    "get_model_spec",
    "get_zoo_entry",
    "list_model_specs",
    "make_divisible",
    "stage_costs",
    "stage_features",
    "summarize",
    "validate_spec",
]
