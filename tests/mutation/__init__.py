"""Mutation testing (`make mutants`): mutmut 3 over the modules that carry the promises, each with its own tests."""
