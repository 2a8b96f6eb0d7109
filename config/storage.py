"""The S3-compatible object store as Django's default storage, built from the environment.

A function rather than inline settings, so tests/test_s3_storage.py can build the very
configuration a server builds (with the address of its own S3 server) and run the
product's flows against it, instead of a copy that could drift from the settings.
"""
from collections.abc import Mapping

S3_BACKEND = "storages.backends.s3.S3Storage"

# A file opened for reading (an attachment or an export being downloaded) is first fetched
# whole from the bucket; past this size it spills to a temp file of this one request
# instead of being held in the worker's memory (django-storages' default keeps it all in memory).
S3_MAX_MEMORY_SIZE = 8 * 1024 * 1024


def s3_storage(*, bucket: str, endpoint_url: str | None = None, region: str | None = None,
               access_key: str | None = None, secret_key: str | None = None, prefix: str = "",
               addressing_style: str | None = None) -> dict:
    """Return the STORAGES["default"] entry for ``bucket`` on an S3-compatible store.

    Keys left out (None) fall back to boto3's own lookup (AWS_ACCESS_KEY_ID and the like,
    or an instance role). Kept JSON-serialisable: tests/test_scale_out_settings.py prints it.
    """
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "location": prefix or "",
            # "path" for stores that serve only bucket-in-the-path URLs (MinIO and the like),
            # "virtual" for those that serve only bucket-in-the-host-name ones; None lets boto3 choose.
            "addressing_style": addressing_style or None,
            # Private objects: files are only ever sent through views that check who may see them.
            "default_acl": "private",
            "querystring_auth": True,
            # Two uploads with the same name never replace each other's file.
            "file_overwrite": False,
            "max_memory_size": S3_MAX_MEMORY_SIZE,
        },
    }


def s3_storage_from_env(environ: Mapping[str, str]) -> dict | None:
    """Return the object-store entry the S3_* variables describe, or None when S3_BUCKET is unset."""
    bucket = environ.get("S3_BUCKET")
    if not bucket:
        return None
    return s3_storage(
        bucket=bucket,
        endpoint_url=environ.get("S3_ENDPOINT_URL"),
        region=environ.get("S3_REGION"),
        access_key=environ.get("S3_ACCESS_KEY_ID"),
        secret_key=environ.get("S3_SECRET_ACCESS_KEY"),
        prefix=environ.get("S3_PREFIX", ""),
        addressing_style=environ.get("S3_ADDRESSING_STYLE"),
    )
