"""The pipeline's stages as library calls: one module per DVC stage, each with the same shape.

Every module ``hytnas.pipeline.<stage>`` defines a frozen ``<Stage>Paths`` dataclass (its
inputs and outputs, defaults as in ``dvc.yaml``) and ``run(params, paths, **options)``, which
validates its input before any work, writes every output atomically, and returns a record
whose ``report`` holds the stage's figures. The scripts under ``stages/`` are argument
parsing plus that call (:func:`hytnas.pipeline.script.stage_main`).

========================  =====================================================
stage                     module
========================  =====================================================
``synth_data``            :mod:`hytnas.pipeline.synth_data`
``prepare_data``          :mod:`hytnas.pipeline.prepare_data`
``sample_archs``          :mod:`hytnas.pipeline.sample_archs`
``proxy_train``           :mod:`hytnas.pipeline.proxy_train`
``measure_latency``       :mod:`hytnas.pipeline.measure_latency`
``fit_predictors``        :mod:`hytnas.pipeline.fit_predictors`
``compare_search``        :mod:`hytnas.pipeline.compare_search`
``train_final``           :mod:`hytnas.pipeline.train_final`
``results``               :mod:`hytnas.pipeline.results`
========================  =====================================================

This is the top layer of the library: it may import every area; no area imports it.
"""
