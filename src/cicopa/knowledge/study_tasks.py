"""The library's background work on studies: reading the text of a PDF."""

from __future__ import annotations

from cicopa.core.background import retried_task


@retried_task(attempts=3, backoff=60)
def read_study_pdf(*, study_id: int) -> None:
    """Read the text of a study's PDF and keep it on the study (study_services.study_extract); idempotent: it
    reads the PDF the study has when it runs."""
    from cicopa.knowledge import study_services

    study_services.study_extract(study_id=study_id)
