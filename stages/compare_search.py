"""Stage compare_search: HyT-NAS against Random Search, NSGA-II and GP-MOBO (Fig. 4 and 5).

Every strategy of ``search.strategies`` runs ``search.seeds`` times with ``search.budget``
distinct evaluations on each oracle: the pipeline's own predictors over ``sample.space``
and, when ``search.released_dir`` is set, XGBoost predictors fitted on the authors'
released measurements over the ``released`` space. Writes HV curves, fronts, the summary
metrics, the figures, and the HyT-NAS Pareto set that ``train_final`` reads.
"""

from hytnas.pipeline.compare_search import ORACLES, CompareSearchPaths, run
from hytnas.pipeline.script import stage_main

if __name__ == "__main__":
    stage_main(
        run, CompareSearchPaths, __doc__,
        options={"oracles": {"nargs": "+", "choices": list(ORACLES), "default": None,
                             "help": "oracles to search (default: pipeline, and released when search.released_dir is set)"}},
    )
