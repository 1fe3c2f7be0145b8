"""Benchmarks of the Linjiang plan assistant: ``python -m bench`` writes ``bench/RESULTS.md``.

Not part of the test suite. See README.md, "Benchmarks", and bench/__main__.py.
"""
