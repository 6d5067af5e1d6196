"""The s3 plugin: the WORM archive of record on S3 Object Lock (see docs/s3.md)."""

from __future__ import annotations

from .sink import S3Sink

__all__ = ["S3Sink"]
