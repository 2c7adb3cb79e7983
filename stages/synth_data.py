"""Stage synth_data: generated COCO-format scenes, the offline default input of prepare_data.

Writes ``images/*.jpg`` and ``annotations/instances_{train,val}.json`` into ``--out``; the
train/val rule (global ``seed``, ``data.val_fraction``) is the one prepare_data applies, so
the detection split and the VWW split agree.
"""

from hytnas.pipeline.script import stage_main
from hytnas.pipeline.synth_data import SynthDataPaths, run

if __name__ == "__main__":
    stage_main(run, SynthDataPaths, __doc__)
