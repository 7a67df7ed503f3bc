"""Attachments: PDF, images and office documents, checked by their content and size; served only to those who
may read the experience."""

import io
import zipfile

import pytest

from cicopa.core.errors import ValidationError
from cicopa.knowledge import files, services

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_types_by_content():
    assert files.media_type("report.pdf", PDF) == "application/pdf"
    assert files.media_type("photo.PNG", PNG) == "image/png"
    assert files.media_type("notes.docx", docx()).startswith("application/vnd.openxmlformats")
    assert files.media_type("report.pdf", PNG) is None  # the name says PDF, the content does not
    assert files.media_type("script.html", b"<html>") is None
    assert files.media_type("archive.docx", b"PK\x03\x04broken") is None


def test_attach_and_download(draft, charlie, client, dave):
    a = services.experience_attach(actor=charlie, experience=draft, filename="rapport annuel.pdf", data=PDF)
    assert a.size == len(PDF)
    client.force_login(charlie)
    r = client.get(a.get_absolute_url())
    assert r.status_code == 200 and r.content == PDF and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("attachment;")
    client.force_login(dave)
    assert client.get(a.get_absolute_url()).status_code == 404  # a draft's file is not public


@pytest.mark.parametrize(
    ("filename", "data"), [("virus.exe", b"MZ\x90\x00"), ("fake.pdf", b"<script>"), ("empty.pdf", b"")]
)
def test_wrong_type_refused(draft, charlie, filename, data):
    with pytest.raises(ValidationError) as refused:
        services.experience_attach(actor=charlie, experience=draft, filename=filename, data=data)
    assert "file" in refused.value.message_dict
    assert not draft.attachments.exists()


def test_too_large_refused(draft, charlie, settings):
    settings.CICOPA_MAX_UPLOAD_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as refused:
        services.experience_attach(actor=charlie, experience=draft, filename="big.pdf", data=PDF + b"0" * 1024 * 1024)
    assert "larger than 1 MB" in refused.value.message_dict["file"][0]


def test_upload_through_the_page(draft, charlie, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(charlie)
    url = f"/library/experiences/{draft.pk}/attachments/"
    r = client.post(url, {"file": SimpleUploadedFile("a.txt", b"plain text")}, follow=True)
    assert "Attach a PDF" in r.content.decode()
    r = client.post(url, {"file": SimpleUploadedFile("photo.png", PNG)}, follow=True)
    assert draft.attachments.get().filename == "photo.png"
    attachment = draft.attachments.get()
    client.post(f"/library/experiences/{draft.pk}/attachments/{attachment.pk}/remove/")
    assert not draft.attachments.exists()
