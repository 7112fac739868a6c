"""The fast training paths and the benchmarks that time them, apart from the readable engine.

``training.train(..., fused=True)`` runs ``compiled_training`` (the whole loop
compiled by numba, optional) or ``fused_training`` (the same step in fewer
numpy calls); both are tested equal to the readable loop of
:mod:`lecture_code.training`. ``bench`` (``python -m lecture_code.fast.bench``)
and ``bench_panels`` (``--panels``) measure them and every live panel.
"""
