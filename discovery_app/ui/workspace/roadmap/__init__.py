"""The roadmap and budget by quarter: items placed in quarters, moved by the consultant."""
