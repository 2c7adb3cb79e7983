"""Stage prepare_data: Visual Wake Words labels and arrays from COCO-format data.

Reads the generated scenes (``--raw``, ``data.source: synthetic``) or COCO 2014 at
``data.coco_root`` (``data.source: coco``), labels every image with the ``data.variant`` rule,
splits train/val, and writes ``labels.csv`` and ``images_<res>.npy`` into ``--out`` and the
counts (per split and class, skipped images and why) into ``--reports``.
"""

from hytnas.pipeline.prepare_data import PrepareDataPaths, run
from hytnas.pipeline.script import stage_main

if __name__ == "__main__":
    stage_main(run, PrepareDataPaths, __doc__)
