"""Stage train_final: Table II. HyT-NAS-BL, -BA and -O, picked from the HyT-NAS Pareto set,
trained with one recipe beside the reference networks, timed, exported to ONNX and tabled.

Writes the weights and ONNX exports (models dir), Table II (markdown), flat metrics, the
results and curves CSVs, DVCLive curves, a figure and the benchmark record; per-network
results persist in the cache folder, so an interrupted run keeps every finished network.
"""

from hytnas.pipeline.script import stage_main
from hytnas.pipeline.train_final import FinalPaths, run

if __name__ == "__main__":
    stage_main(run, FinalPaths, __doc__)
