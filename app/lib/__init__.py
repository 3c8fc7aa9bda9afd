"""Shared building blocks: errors, clock, database helpers, wire types."""
