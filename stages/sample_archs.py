"""Stage sample_archs: the architectures to proxy-train and to time.

Writes two CSVs (arch_id, genome values, params, MACs at ``sample.resolution``); the latency
set is drawn from a seed stream of its own, so changing one count leaves the other set as is.
"""

from __future__ import annotations

import argparse

from hytnas.archs import genome_frame, with_costs
from hytnas.cli import run_stage
from hytnas.config import load_params
from hytnas.io import write_csv
from hytnas.space import get_space


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--accuracy-out", default="data/archs/accuracy.csv")
    parser.add_argument("--latency-out", default="data/archs/latency.csv")
    args = parser.parse_args()

    params = load_params(args.params)
    cfg = params.sample
    space = get_space(cfg.space)
    for count, stream, out in (
        (cfg.accuracy_count, 0, args.accuracy_out),
        (cfg.latency_count, 1, args.latency_out),
    ):
        genomes = space.sample(count, seed=(params.seed, stream), method=cfg.sampler)
        write_csv(out, with_costs(space, genome_frame(space, genomes), cfg.resolution))
        print(f"sample_archs: {count} {space.name} architectures -> {out}")


if __name__ == "__main__":
    run_stage(main)
