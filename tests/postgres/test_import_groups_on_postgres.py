"""The pooled import's grouped commits (`tests/ingest/test_import_workers.py`) on PostgreSQL:
documents committed together, a failed commit stored again one by one, cancel, and no
transaction held open while a slow file is prepared."""

from tests.ingest.test_import_workers import (  # noqa: F401
    test_a_group_is_committed_before_waiting_for_a_slow_file,
    test_a_group_whose_commit_fails_is_stored_one_document_at_a_time,
    test_cancel_with_workers_keeps_only_finished_files,
    test_documents_committed_together_are_all_reported_before_a_cancel_stops,
)
