"""Stage proxy_train: short training of every architecture of the accuracy set.

Writes the proxy accuracy table (arch_id, genome, params, MACs, val_acc, best_val_acc, ...,
status) and flat metrics; per-architecture results persist in the cache folder, so an
interrupted run resumes where it stopped and a changed param retrains only what it affects.
"""

from hytnas.pipeline.proxy_train import ProxyTrainPaths, run
from hytnas.pipeline.script import stage_main

if __name__ == "__main__":
    stage_main(run, ProxyTrainPaths, __doc__)
