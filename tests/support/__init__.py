"""Shared test helpers: tiny architectures and tables, tiny data, quick params.

Importable from every test (``tests/`` is on the path through its ``conftest.py``)::

    from support.archs import tiny_genomes, write_archs, write_pareto
    from support.data import RES, DATA, write_vww
    from support.params import quick_params
"""
