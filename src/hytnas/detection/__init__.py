"""The detection use case (Table III): SSDLite detectors on the searched network and reference
backbones, scored by COCO mAP.

Modules: :mod:`~hytnas.detection.backbones` (backbones by name),
:mod:`~hytnas.detection.coco_eval` (checked ground truth and detections, COCOeval),
:mod:`~hytnas.detection.commands` (``hytnas detect build``, ``hytnas detect eval``). The
detector itself is built by :func:`hytnas.nn.detection.build_detector`.
"""
