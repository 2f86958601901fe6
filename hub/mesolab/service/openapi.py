"""The OpenAPI document of the service, as committed in ``docs/openapi.json``.

``mesolab openapi [FILE]`` (or ``python -m mesolab.service.openapi [FILE]``) regenerates it;
a test checks that the committed file equals the generated one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..paths import SOURCE_ROOT
from .config import DEFAULT_PREFIX, MesoLabService

COMMITTED = SOURCE_ROOT / "docs" / "openapi.json"


def generate() -> dict:
    """The OpenAPI document for the default prefix (no database is touched)."""
    from sqlalchemy import create_engine

    from .app import create_app

    app = create_app(MesoLabService(base_url=DEFAULT_PREFIX, db_url="sqlite://"), create_engine("sqlite://"))
    return app.openapi()


def render(doc: dict) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def write(path: Path = COMMITTED) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(generate()), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else COMMITTED))
