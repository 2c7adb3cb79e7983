"""Stage measure_latency: time every architecture of the latency set (or import a table).

Writes ``<out-dir>/<latency.device>.csv`` (arch_id, genome, params, MACs, latency_ms with
p10/p90/mean/CV, status, source with the device fingerprint and protocol) and flat metrics;
per-architecture results persist in the cache folder, so an interrupted run resumes.
"""

from hytnas.pipeline.measure_latency import MeasureLatencyPaths, run
from hytnas.pipeline.script import stage_main

if __name__ == "__main__":
    stage_main(run, MeasureLatencyPaths, __doc__)
