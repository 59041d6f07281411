"""Uploaded files and their sizes, in the words every page uses: "The file is 6.2 MB; the
limit is 1 MB."

The browser says the same before it sends a file (``data-max-bytes`` on a file input,
read by ``static/js/exchange.js``, which formats sizes by the same rule as ``format_size``).
"""

import os

from werkzeug.datastructures import FileStorage

KB = 1024
MB = 1024 * 1024


def format_size(size: int) -> str:
    """A size as people read it: "512 bytes", "48 KB", "6.2 MB" (one decimal at most)."""
    if size < KB:
        return f"{size} byte{'s' if size != 1 else ''}"
    if size < MB // 10:
        return f"{int(size / KB + 0.5)} KB"  # halves up, as the browser's Math.round
    return f"{size / MB:.1f}".removesuffix(".0") + " MB"


def too_large(size: int, limit: int) -> str:
    """What to say of a file of ``size`` bytes over a limit of ``limit`` bytes."""
    shown, allowed = format_size(size), format_size(limit)
    if shown == allowed:
        # Rounded to the same figure: only the exact counts say which is larger.
        shown, allowed = f"{size:,} bytes", f"{limit:,} bytes"
    return f"The file is {shown}; the limit is {allowed}."


def size_of(upload: FileStorage) -> int:
    """The size of an uploaded file in bytes, without reading it into memory."""
    stream = upload.stream
    try:
        position = stream.tell()
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(position)
    except (AttributeError, OSError, ValueError):
        # A stream that cannot seek: the size the client declared for the part, if any.
        return upload.content_length or 0
    return size


def fits(field, limit: int) -> bool:
    """Whether the file of the form's file ``field`` is at most ``limit`` bytes; when it is
    larger, the field carries the message, shown beside it when the form is shown again."""
    upload = field.data
    if not isinstance(upload, FileStorage):
        return True
    size = size_of(upload)
    if size <= limit:
        return True
    field.errors = [*field.errors, too_large(size, limit)]
    return False
