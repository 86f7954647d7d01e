"""Discovery: paid discovery assessments for co-managed IT offers."""

__version__ = "0.1.0"
