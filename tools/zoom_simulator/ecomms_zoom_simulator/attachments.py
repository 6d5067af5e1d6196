"""Files shared in a meeting's chat: the meeting's ``physical_files[]`` (ZOOM_API §0a).

Zoom lists them on the archive meeting object as ``{file_id, file_name, file_size,
download_url}`` under ``/rec/archive/attached/download/<id>``, downloadable with the Bearer
token like archive files, without an ``encryption_fingerprint``. The JSON chat message that
shared a file names it in ``files[]`` with the same id, name and size.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ecomms_zoom_simulator.media import TextBlob
from ecomms_zoom_simulator.model import Attachment

__all__ = ["attachment_blob", "physical_file"]

_ZIP = b"PK\x03\x04\x14\x00\x06\x00"  # what .xlsx / .pptx / .docx files start with


def attachment_blob(seed: int, file_id: str, size: int) -> TextBlob:
    """The seeded bytes of a shared file of ``size`` bytes."""
    body = hashlib.shake_256(f"zoom-sim-attachment-{seed}-{file_id}".encode()).digest(size)
    return TextBlob((_ZIP + body)[:size])


def physical_file(attachment: Attachment, download_base: str) -> dict[str, Any]:
    """The ``physical_files[]`` entry of a shared file."""
    return {
        "file_id": attachment.id,
        "file_name": attachment.name,
        "file_size": attachment.blob.size,
        "download_url": f"{download_base}/rec/archive/attached/download/{attachment.id}",
    }
