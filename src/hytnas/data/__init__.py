"""Visual Wake Words data: generated COCO-format scenes, COCO -> VWW labels, prepared arrays.

Modules, one job each:

- :mod:`~hytnas.data.synth`: deterministic COCO-format scenes (the offline default input).
- :mod:`~hytnas.data.coco`: reading and checking COCO instances files and the COCO 2014 layout.
- :mod:`~hytnas.data.vww`: the labelling rules (``pyvww``, ``mlperf-tiny``) and the split.
- :mod:`~hytnas.data.prepare`: decoding and resizing images into ``images_<res>.npy`` arrays.
- :mod:`~hytnas.data.arrays`: :func:`load_vww` for training code.
- :mod:`~hytnas.data.loader`: :func:`batches`, fast seeded batches with flips and crops.
"""
