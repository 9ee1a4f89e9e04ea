"""Benchmarks: each module times Vividverse against peers in the same run and prints ratios.

Run them all with ``python3 build_spec/bootstrap.py bench`` (or ``python -m bench NAME...``).
They are not part of the test suite: timed assertions do not belong there.
"""
