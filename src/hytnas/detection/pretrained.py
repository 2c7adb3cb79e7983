"""Backbone weights for a detector: a classification checkpoint copied into its backbone.

The paper fine-tunes ImageNet-pretrained backbones. A checkpoint of the same network as a
classifier saved with ``torch.save`` (this project's own ``models/final/<label>/seed<k>.pt``,
timm's ``mobilevit_xxs`` or torchvision's ``mobilenet_v3_large`` state dict) holds the backbone's tensors first, in the order the
detector's backbone holds them (stem, stages; the classifier's head last), so they are copied in
that order, each checked for shape; the SSDLite extra blocks and head keep their initialisation.
torchvision's ImageNet MobileNetV3 has the full tail, so a MobileNetV3 detector with weights is
built with it, as ``ssdlite320_mobilenet_v3_large(weights_backbone=...)`` is.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from hytnas.errors import DataError

log = logging.getLogger(__name__)

EXTRA_PREFIX = "extra."
"""State-dict prefix of the SSDLite extra blocks inside a detector's backbone (not pretrained)."""
WRAPPER_KEYS = ("state_dict", "model", "model_state", "model_state_dict")
"""Keys under which training scripts commonly nest a state dict in a checkpoint."""


def read_state_dict(path: str | Path) -> "dict[str, Any]":
    """The tensors of a checkpoint in the order the network holds them: a torch file holding a
    state dict (or one nested under ``state_dict``, ``model``, ...), read with ``weights_only``.

    Raises:
        DataError: the file is missing, unreadable or a ``.safetensors`` file (which stores its
            tensors sorted by name, so their order is lost), or holds no tensors.
    """
    import torch

    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: backbone weights file not found; expected a classification checkpoint")
    if path.suffix == ".safetensors":
        raise DataError(
            f"{path}: a safetensors file keeps its tensors sorted by name, not in the network's order; expected a torch "
            "checkpoint, e.g. torch.save(timm.create_model('mobilevit_xxs', pretrained=True).state_dict(), 'mobilevit_xxs.pt')"
        )
    try:
        data: Any = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # noqa: BLE001 - torch.load raises many types on bad files
        raise DataError(f"{path}: cannot read backbone weights ({type(err).__name__}: {str(err).splitlines()[0][:200]})") from None
    for key in WRAPPER_KEYS:
        if isinstance(data, dict) and isinstance(data.get(key), dict):
            data = data[key]
            break
    tensors = {k: v for k, v in data.items() if isinstance(v, torch.Tensor)} if isinstance(data, dict) else {}
    if not tensors:
        raise DataError(f"{path}: holds no tensors; expected a state dict of a classification network")
    return tensors


def load_backbone_weights(detector: Any, path: str | Path) -> int:
    """Copy the checkpoint at ``path`` into ``detector.backbone`` (not its extra blocks); the
    number of tensors copied.

    Raises:
        DataError: the file cannot be read, has fewer tensors than the backbone, or a tensor's
            shape differs from the backbone's at the same position (one line naming both).
    """
    import torch

    source = list(read_state_dict(path).items())
    target = [(k, v) for k, v in detector.backbone.state_dict().items() if not k.startswith(EXTRA_PREFIX)]
    if len(source) < len(target):
        raise DataError(
            f"{path}: {len(source)} tensors, the backbone has {len(target)}; expected a classification checkpoint of the same network"
        )
    copied = {}
    for k, ((name, value), (own, mine)) in enumerate(zip(source, target)):
        if tuple(value.shape) != tuple(mine.shape):
            raise DataError(
                f"{path}: tensor {k} ({name}, shape {tuple(value.shape)}) does not fit the backbone's {own} (shape "
                f"{tuple(mine.shape)}); expected a classification checkpoint of the same network"
            )
        copied[own] = value.to(mine.dtype)
    with torch.no_grad():
        detector.backbone.load_state_dict(copied, strict=False)  # the extra blocks keep their initialisation
    log.info("detector backbone: %d tensors from %s", len(copied), path)
    return len(copied)


__all__ = ["EXTRA_PREFIX", "load_backbone_weights", "read_state_dict"]
