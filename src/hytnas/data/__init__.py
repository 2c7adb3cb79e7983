"""Visual Wake Words data: generated COCO-format scenes, COCO -> VWW, prepared arrays.

Modules, one job each:

- :mod:`~hytnas.data.shapes`: outlines of articulated persons and of distractor objects.
- :mod:`~hytnas.data.synth`: deterministic COCO-format scenes (the offline default input).
- :mod:`~hytnas.data.masks`: exact, hole-free COCO polygons of a pixel mask.
- :mod:`~hytnas.data.split`: the seeded per-image-id train/val rule.
- :mod:`~hytnas.data.coco`: reading and checking COCO instances files and dataset layouts.
- :mod:`~hytnas.data.vww`: the labelling rules (``pyvww``, ``mlperf-tiny``) and the split.
- :mod:`~hytnas.data.prepare`: decoding and resizing images into ``images_<res>.npy`` arrays.
- :mod:`~hytnas.data.arrays`: :func:`~hytnas.data.arrays.load_vww` for training code.
- :mod:`~hytnas.data.loader`: :func:`~hytnas.data.loader.batches`, seeded batches with flips and crops.
- :mod:`~hytnas.data.commands`: the ``hytnas data ...`` sub-commands.
"""
