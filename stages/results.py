"""Stage results: reports/RESULTS.md, every measured figure of the last run, generated from
reports/*.json and reports/bench/*.json; it runs last and names the commit the code ran at."""

from hytnas.pipeline.results import ResultsPaths, run
from hytnas.pipeline.script import stage_main

if __name__ == "__main__":
    stage_main(run, ResultsPaths, __doc__)
