"""Stage detect: Table III. SSDLite detectors on HyT-NAS-O (a pick of train_final) and the
reference backbones, trained with the one training loop, scored by COCOeval, timed.

Writes the detectors' weights, Table III (markdown), flat metrics, DVCLive curves and a figure
of detections; per-detector results persist in the cache folder, so an interrupted run keeps
every finished detector.
"""

from hytnas.pipeline.detect import DetectPaths, run
from hytnas.pipeline.script import stage_main

if __name__ == "__main__":
    stage_main(run, DetectPaths, __doc__)
