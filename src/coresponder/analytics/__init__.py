"""Analytics: the program's metrics, small-cell suppression and evaluation.

``metrics`` and ``evaluation`` are engines with no Django imports: they read plain Polars frames
whose columns are defined in ``metrics/frames.py`` and write nothing.
"""
