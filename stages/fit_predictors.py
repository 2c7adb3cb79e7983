"""Stage fit_predictors: the paper's predictor comparison (Kendall tau) and the search's oracles.

Reads the pipeline's accuracy and latency tables (``predictors.source: pipeline``) or the
authors' released measurements (``source: released``, folder ``predictors.released_dir``,
relative to the params file), cross-validates every predictor of ``predictors.models``, draws
learning curves, and writes the chosen predictor per table, the metrics, the comparison
table and the plot data.
"""

from hytnas.pipeline.fit_predictors import FitPredictorsPaths, run
from hytnas.pipeline.script import stage_main

if __name__ == "__main__":
    stage_main(run, FitPredictorsPaths, __doc__)
