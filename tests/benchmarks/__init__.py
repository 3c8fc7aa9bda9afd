"""Benchmarks of the settings module, run by `make bench` (python -m tests.benchmarks.run); not part of pytest."""
