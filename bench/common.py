"""What every benchmark here shares: the PostgreSQL guard and the git state of the results."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def require_postgres(script: str, database: str) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        sys.exit(
            f"bench/{script} measures PostgreSQL only. Set DATABASE_URL, e.g.\n"
            f"  DATABASE_URL=postgres://postgres@127.0.0.1:5432/{database} .venv/bin/python bench/{script}"
        )


def git_describe() -> dict:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = bool(
            subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        )
        return {"commit": head, "dirty": dirty}
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
