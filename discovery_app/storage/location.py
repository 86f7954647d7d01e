"""Where a store lives: an SQLite file (a path) or a PostgreSQL server (a URL).

``--db`` and ``DISCOVERY_DB`` take either. A value with a scheme (``postgresql://anna@db.example.com/discovery``)
names a server; anything else is a file path. This module only tells them apart and puts a URL in
words; it imports nothing heavy, so the command line can ask before SQLAlchemy loads.

A URL may carry a password; it is never printed: :func:`describe` hides it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

#: The schemes of a server store, as a consultant may type them.
SERVER_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
#: The driver Discovery talks to PostgreSQL through (psycopg 3).
DRIVER = "postgresql+psycopg"

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


class LocationError(ValueError):
    """``--db`` names something Discovery cannot store its data in; the message says what."""


def scheme_of(text: str) -> str | None:
    """The URL scheme of ``text`` (lower case), or None for a file path (``C:\\data`` has none)."""
    m = _SCHEME.match(text.strip())
    return m.group(1).lower() if m else None


def is_server(text: object) -> bool:
    """True when ``text`` names a database server rather than a file."""
    if not isinstance(text, str):
        return False
    scheme = scheme_of(text)
    if scheme is None:
        return False
    if scheme not in SERVER_SCHEMES:
        raise LocationError(
            f"Discovery keeps its data in an SQLite file or on a PostgreSQL server; \"{scheme}://\" is "
            "neither. Give a file path, or a URL such as postgresql://USER@HOST/DATABASE.")
    return True


def server_url(text: str) -> URL:
    """The SQLAlchemy URL of a server store, with Discovery's driver (psycopg 3)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(text.strip())
    except ArgumentError as exc:
        raise LocationError("That database URL cannot be read; write it as "
                            "postgresql://USER@HOST[:PORT]/DATABASE.") from exc
    if url.drivername not in SERVER_SCHEMES:
        raise LocationError(f"Discovery talks to PostgreSQL through psycopg 3; the driver "
                            f"\"{url.drivername}\" is not supported. Write the URL as postgresql://...")
    if not url.database:
        raise LocationError("The database URL names no database; write it as postgresql://USER@HOST/DATABASE.")
    return url.set(drivername=DRIVER)


def describe(url: object) -> str:
    """A server URL in words for titles and messages, never with its password:
    ``postgresql://anna@db.example.com/discovery``."""
    from sqlalchemy.engine import URL, make_url

    u = url if isinstance(url, URL) else make_url(str(url))
    return u.set(drivername="postgresql").render_as_string(hide_password=True)
