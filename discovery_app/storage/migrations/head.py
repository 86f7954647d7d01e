"""The schema revisions this version of the app knows, newest last.

Kept by hand beside the migration scripts so opening an up-to-date store needs no Alembic
import; a test checks it against the scripts.
"""

KNOWN_REVISIONS = ("0001_initial", "0002_inventory_import_batch", "0003_one_truth", "0004_inventory_identity",
                   "0005_delivery_progress", "0006_answer_said_by", "0007_engagement_marks", "0008_revisions",
                   "0009_baseline", "0010_signed_approvals", "0011_checkouts", "0012_photo_in_proposal",
                   "0013_proposal_fingerprint", "0014_library")
HEAD_REVISION = KNOWN_REVISIONS[-1]
