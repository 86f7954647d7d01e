"""Acceptance and the baseline: the client's signature, change orders, re-assessment and progress."""
