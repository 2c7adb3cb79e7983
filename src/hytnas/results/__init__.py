"""``reports/RESULTS.md``: every measured figure of a run, generated from its JSON reports.

The pipeline's stages each write a flat or nested JSON report under ``reports/``
(``data.json``, ``proxy.json``, ``latency.json``, ``predictors.json``, ``search.json``,
``final.json``, later ``detection.json``) and the benchmarks write theirs under
``reports/bench/``. This package turns them into one Markdown page a person can read:

- the top names the run: the git commit of the code (short hash, and "with uncommitted
  changes" when files other than the run's own outputs differ from it);
- a headline section: Table II's headline (HyT-NAS-O's accuracy gain over the reference
  network and their parameter ratio, with the paper's figures where a report carries them),
  the predictors' Kendall tau per target, and each search strategy's hypervolume fraction
  at the largest checkpoint and evaluations to 95% of the reference hypervolume;
- one section per stage report, then one per benchmark file, each naming its file.

Every figure comes from a report (nothing is typed here); a report that is absent (a stage
not run) is skipped with a line saying so; an unreadable or malformed report raises
:class:`~hytnas.errors.DataError` naming the file. There is no timestamp, so the same
reports at the same commit give the same bytes.

::

    from hytnas.results import write_results
    write_results(Path("reports"), Path("reports/RESULTS.md"))

Modules, one job each:

- :mod:`~hytnas.results.page`: the page assembled and written, and its run line from git
  (:func:`render_results`, :func:`write_results`).
- :mod:`~hytnas.results.format`: numbers, names, Markdown tables, links, provenance lines.
- :mod:`~hytnas.results.reports`: one JSON report loaded and its values read type-checked.
- :mod:`~hytnas.results.hvtables`: hypervolume figures and tables of a search comparison.
- :mod:`~hytnas.results.headline`: the headline section.
- :mod:`~hytnas.results.stages`: one section per stage report, detection included.
- :mod:`~hytnas.results.bench`: the benchmark sections and the recognisers of their files.
"""

from hytnas.results.page import RESULTS_NAME, render_results, write_results

__all__ = ["RESULTS_NAME", "render_results", "write_results"]
