"""Checks other apps add to the domain's services without the domain importing them.

`criteria` registers its nominee checks (duplicates, discipline, overlapping periods, the emulation
registration) from its AppConfig.ready(); `nominee_add` runs every registered check inside its own
transaction, after the nominee row exists, so a check that raises rolls the addition back."""

from collections.abc import Callable

NomineeCheck = Callable[..., object]
_nominee_checks: dict[str, NomineeCheck] = {}


def register_nominee_check(name: str, check: NomineeCheck) -> None:
    """Register `check(*, dossier, nominee, actor)` under `name` (registering a name again replaces it:
    ready() may run more than once in tests)."""
    _nominee_checks[name] = check


def run_nominee_checks(*, dossier, nominee, actor) -> None:
    for check in list(_nominee_checks.values()):
        check(dossier=dossier, nominee=nominee, actor=actor)


def registered_nominee_checks() -> list[str]:
    return list(_nominee_checks)
