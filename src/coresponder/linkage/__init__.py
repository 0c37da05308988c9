"""Repeat calls: the same place and the same person across calls (issue 7)."""
