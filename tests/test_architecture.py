"""The shape of the house: imports go one way, and every area wires itself up in create_app()."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_imports_go_from_the_screens_down_to_the_ground():
    """The import-linter contract in pyproject.toml holds, imports inside functions included."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "1 kept, 0 broken" in result.stdout


# Run in a fresh interpreter: nothing but create_app() has been imported, so a hook that an
# area registered as a side effect of importing some module would be missing here.
_FRESH_APP = textwrap.dedent("""
    import json, sys
    from desk import create_app
    from desk.cases import hooks
    from desk.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "MASTER_KEY": "k" * 40,
                      "DATABASE_URL": "sqlite://", "INSTANCE_DIR": sys.argv[1]})
    registry = hooks.of(app)
    name = lambda f: f.__module__ + "." + f.__qualname__
    case_tables = sorted(t.name for t in db.metadata.sorted_tables if "case_id" in t.c)
    print(json.dumps({
        "entering": {state: [name(f) for f in fs] for state, fs in registry.entering.items()},
        "extended": [name(f) for f in registry.extended],
        "panels": [p.template for p in registry.panels],
        "erased": sorted(e.model.__tablename__ for e in registry.personal_data),
        "files": sorted(e.model.__tablename__ for e in registry.personal_data if e.files),
        "case_tables": case_tables,
    }))
""")

#: Tables keyed by case that keep no personal data, so disposal leaves them (the statistical
#: skeleton and the record of the disposal itself).
KEPT_AT_DISPOSAL = {
    "approvals": "who approved what, and when",
    "legal_holds": "the hold's reason is kept as the reason disposal was stopped or released",
    "disposed_cases": "the disposal record",
    "audit_events": "the audit trail keeps no personal data",
    "suppression_entries": "the register outlives the case by design (keyed hashes, masked names)",
    "consent_records": "opt-outs outlive the case by design and follow their own keeping period (keyed hashes, masked addresses)",
    "inquiry_cases": "ids only: the link between an inquiry and a case; the inquiry has its own retention",
}


def test_a_fresh_app_has_every_hook_registered(tmp_path):
    """From create_app() alone: completion fills the suppression register, dispatch stores the
    reply, a shortfall and a lapse queue their letters, and disposal erases every table."""
    result = subprocess.run(
        [sys.executable, "-c", _FRESH_APP, str(tmp_path)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    entering = found["entering"]
    assert any(f.startswith("desk.suppression.") and "on_case_completed" in f for f in entering["completed"])
    assert "desk.letters.service.store_reply_on_dispatch" in entering["dispatched"]
    assert any("queue_shortfall" in f for f in entering["awaiting_fee"])
    assert any("queue_lapse" in f for f in entering["lapsed"])
    assert all("desk.decisions.service.supersede_lapse" in entering[s] for s in ("in_progress", "withdrawn"))
    assert "desk.decisions.service.supersede_lapse" not in entering.get("lapsed", [])
    assert found["extended"] == ["desk.letters.service.queue_extension_notice"]
    assert "staff/suppression/panel.html" in found["panels"] and "staff/cases/panels/retention.html" in found["panels"]
    assert found["files"] == ["delivery_packages", "documents", "letters"]
    unaccounted = set(found["case_tables"]) - set(found["erased"]) - set(KEPT_AT_DISPOSAL)
    assert not unaccounted, f"tables keyed by case that disposal neither erases nor keeps on purpose: {unaccounted}"
