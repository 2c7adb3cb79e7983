"""Stage synth_detect: generated COCO-format scenes for the detect stage (detect.synthetic).

Writes ``images/*.jpg`` and ``annotations/instances_{train,val}.json`` into ``--out``, with
synth_data's generator and train/val rule.
"""

from hytnas.pipeline.script import stage_main
from hytnas.pipeline.synth_detect import SynthDetectPaths, run

if __name__ == "__main__":
    stage_main(run, SynthDetectPaths, __doc__)
