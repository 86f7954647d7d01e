"""Started by every Python subprocess of a ``--backend=postgresql`` test run (this folder is put
on PYTHONPATH): installs the seam that maps test store paths to PostgreSQL databases."""

import discovery_pg_seam

discovery_pg_seam.install()
