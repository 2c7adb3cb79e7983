"""The detection use case (Table III): SSDLite detectors on the searched network and reference
backbones, scored by COCO mAP.

Modules: :mod:`~hytnas.detection.ssdlite` (the detector: torchvision's SSDLite around any
backbone), :mod:`~hytnas.detection.backbones` (backbones by name),
:mod:`~hytnas.detection.data` (COCO-format data as arrays and boxes),
:mod:`~hytnas.detection.baseline` (random boxes from the training statistics),
:mod:`~hytnas.detection.coco_eval` (checked ground truth and detections, COCOeval),
:mod:`~hytnas.detection.commands` (``hytnas detect build``, ``hytnas detect eval``).
"""
