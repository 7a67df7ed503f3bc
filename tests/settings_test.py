"""Settings for the test suite: the production settings, with a test key and plain HTTP."""

import os
import tempfile

os.environ.setdefault("CICOPA_SECRET_KEY", "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
if not os.environ.get("CICOPA_DATA_DIR"):
    os.environ["CICOPA_DATA_DIR"] = tempfile.mkdtemp(prefix="cicopa-test-")
os.environ.setdefault("CICOPA_SSL_REDIRECT", "false")
os.environ.setdefault("CICOPA_SECURE_COOKIES", "false")
os.environ.setdefault("CICOPA_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from cicopa.settings import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests only

# Tasks run at once, in the test's own thread and transaction (tests/core/test_worker_process.py runs the real
# database worker in other processes).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
