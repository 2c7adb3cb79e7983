"""Stage sample_archs: the architectures to proxy-train and to time.

Writes two CSVs (arch_id, genome values, params, MACs at ``sample.resolution``); the latency
set is drawn from a seed stream of its own, so changing one count leaves the other set as is.
"""

from hytnas.pipeline.sample_archs import SampleArchsPaths, run
from hytnas.pipeline.script import stage_main

if __name__ == "__main__":
    stage_main(run, SampleArchsPaths, __doc__)
