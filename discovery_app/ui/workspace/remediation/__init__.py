"""Remediation: the stabilization plan's items, their order and weeks, and suggestions."""
