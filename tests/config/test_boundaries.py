"""The import contracts of pyproject.toml ([tool.importlinter]) hold: `make test` runs them before
pytest; this runs them too, so a plain pytest run refuses a broken boundary."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept():
    result = subprocess.run([str(Path(sys.executable).with_name("lint-imports")), "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout
    for contract in ("The domain (dossiers) imports neither workflows nor certificates",
                     "The domain (dossiers) imports no criteria", "Criteria import nothing from workflows",
                     "Certificates import nothing from workflows",
                     "The domain only enqueues the pre-check assistant's jobs by name, never imports it"):
        assert contract in " ".join(result.stdout.split()), contract


def test_nominee_checks_are_registered_by_the_criteria_app():
    """dossiers runs the checks other apps register; criteria registers its own at start-up."""
    from dossiers.services.hooks import registered_nominee_checks

    assert "criteria.nominee_checks" in registered_nominee_checks()


def test_models_modules_connect_no_receiver_and_call_no_service():
    """A models module declares tables: the calendar signal is connected in WorkflowsConfig.ready."""
    source = (ROOT / "workflows" / "models.py").read_text(encoding="utf-8")
    assert ".connect(" not in source and "deadlines_recompute" not in source
    from dossiers.services.calendar import calendar_changed

    from workflows.deadlines import recompute_on_calendar_change

    assert recompute_on_calendar_change in calendar_changed._live_receivers(None)[0]
