"""The code of an earlier commit, run beside the current one ("before" rows and columns).

`git archive REV src | tar -x` into a folder of its own; a process started with
`PYTHONPATH=<folder>/src` imports that trendcache ahead of the checkout's (the interpreter
puts PYTHONPATH before site-packages, where the editable install's path entry sits). Same
interpreter, same installed dependencies: a revision that needs other packages than the
current lock cannot be measured this way, and `check` says when the old code does not even
import or run against the database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The last commit whose `GET /` renders the page per request (issue 12 starts after it).
BEFORE = "73d9e61"

# Run in the old tree's interpreter: where trendcache came from, and the database's schema
# revision against the head of the old tree's migrations.
_PROBE = """\
import json, sys
import trendcache
from trendcache.db import Database
from trendcache.db.migrate import schema_revisions
database = Database(sys.argv[1])
current, head = schema_revisions(database)
database.dispose()
print(json.dumps({"file": trendcache.__file__, "current": current, "head": head}))
"""


def extract(revision: str, folder: Path) -> Path:
    """The `src/` of `revision`, written under `folder`; its path."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = ["git", "-C", str(ROOT), "archive", revision, "src"]
    tree = subprocess.run(archive, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=tree, check=True)
    return folder / "src"


def environment(source: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """`base` (default: this process's environment) with `source` first on PYTHONPATH."""
    env = dict(os.environ if base is None else base)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source), env.get("PYTHONPATH")]))
    return env


def check(source: Path, database_url: str, env: dict[str, str]) -> str:
    """That `env` imports trendcache from `source` (else SystemExit), and a line saying
    whether the database's schema is where the old code's migrations end."""
    probe = [sys.executable, "-c", _PROBE, database_url]
    done = subprocess.run(probe, env=env, cwd=source.parent, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the old tree at {source} does not run here:\n{done.stderr}")
    found = json.loads(done.stdout)
    if not Path(found["file"]).resolve().is_relative_to(source.resolve()):
        raise SystemExit(f"PYTHONPATH={source} imported trendcache from {found['file']}")
    where = f"old trendcache imported from {found['file']}"
    if found["current"] is None:
        return f"{where}; a new database, made by the old code's migrations ({found['head']})"
    if found["current"] == found["head"]:
        return f"{where}; the database is at its migrations' head ({found['head']})"
    return (
        f"{where}; NOTE the database is at {found['current']}, the old code's migrations end "
        f"at {found['head']}: the before figures run old code on another schema"
    )
