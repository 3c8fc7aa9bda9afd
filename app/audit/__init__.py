"""Audit events: who changed what, when and from where."""
