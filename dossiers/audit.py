"""Tamper-evident history (issue 9.6): append-only records are protected at the database and chained
by hash, and `audit_verify` names the first row altered or removed.

Protection. Database triggers (PostgreSQL and SQLite) refuse UPDATE and DELETE of the event log
(`dossiers.DossierEvent`) and, registered by certificates/audit.py, of issued certificates
(`certificates.Certificate`, whose one mutable column, `revoked_at`, may only be set once), and refuse
changing what a decision says or deleting it (`certificates.Decision`: number, date, signer…; its
render state stays writable). The domain imports no other app: other apps register their tables and
chains here (`protect`, `verifier`). They are created by
migrations and re-created after every `migrate` (a table rebuilt by SQLite's ALTER loses its triggers).
SQLite's only way around them is a row in `audit_unlock`, used by the test suite's table flush inside
its own transaction; PostgreSQL has none (TRUNCATE, which needs the table owner, is not a row change).

Chains. Each row carries `prev_hash` and `hash` = SHA-256(prev_hash + "\n" + canonical JSON of its
content), computed when the row is inserted, in the one place rows are created:
- events: one chain per dossier (`seq` 1, 2, …), appended under the dossier's row lock, which every
  path service already holds: appends to one dossier are serialized, different dossiers never wait
  for each other (a global chain would serialize every action of the province on one lock row);
  a UNIQUE (dossier, seq) constraint is the backstop;
- certificates: one chain in register order (sổ vàng), appended under the register counter's lock,
  which issuing already takes: numbers and links both gap-free.
A removed event shows as a gap in `seq` (or, for the last ones of a dossier, as a chain shorter than
at the previous check: the heads are kept with each check); a removed certificate as a gap in the
register or a register shorter than its counter."""

import datetime as dt
import decimal
import hashlib
import json
import logging
import time
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection as default_connection
from django.db import transaction

from . import txn

log = logging.getLogger("khenthuong.audit")
GENESIS = "0" * 64
UNLOCK_TABLE = "audit_unlock"

# label → protection: "frozen": "all" or the columns that may never change; "set_once": columns that
# may go from NULL to a value once. Other apps add theirs with `protect()` (certificates/audit.py).
PROTECTED = {"dossiers.DossierEvent": {"frozen": "all"}}
VERIFIERS = {}   # name → function(result, previous_heads): further chains, registered by their apps


def protect(label: str, *, frozen="all", set_once=()) -> None:
    PROTECTED[label] = {"frozen": frozen, "set_once": list(set_once)}


def verifier(name: str):
    def register(function):
        VERIFIERS[name] = function
        return function
    return register


EVENT_FIELDS = ("dossier_id", "seq", "actor_id", "created_at", "kind", "from_status", "to_status", "comment",
                "data")
# Fields added later: hashed only when set, so every row written before them keeps its hash.
EVENT_OPTIONAL_FIELDS = ("on_behalf_of_id",)


def event_content(get) -> dict:
    """The hashed content of an event; `get(name)` reads a field of the row or instance."""
    values = {name: get(name) for name in EVENT_FIELDS}
    values.update({name: get(name) for name in EVENT_OPTIONAL_FIELDS if get(name) is not None})
    return values


# --- hashing ---------------------------------------------------------------------------------------------
def _plain(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not canonical")


def canonical(values: dict) -> bytes:
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain).encode()


def link(prev_hash: str, values: dict) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(values)).hexdigest()


def as_stored(data):
    """JSON data as the database gives it back (tuples become lists, …), so the hash verifies later."""
    return json.loads(json.dumps(data))


def chain_event(event) -> None:
    """Give a new event its place in its dossier's chain. Called by DossierEvent.save() inside a
    transaction: the dossier row is locked (a no-op when the service already holds it)."""
    from dossiers.models import Dossier, DossierEvent

    if not txn.known(("dossier-row-lock", event.dossier_id)):    # a path service took it already
        Dossier.objects.select_for_update().filter(pk=event.dossier_id).values_list("pk", flat=True).first()
    last = (DossierEvent.objects.filter(dossier_id=event.dossier_id).order_by("-seq")
            .values_list("seq", "hash").first())
    event.data = as_stored(event.data or {})
    event.seq, event.prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    event.hash = link(event.prev_hash, event_content(lambda name: getattr(event, name)))


_SEQ_MARK = -73_400_331   # stands for the new event's seq in its canonical text (replaced in SQL)


def insert_chained(event, connection) -> bool:
    """PostgreSQL: insert `event` linked into its dossier's chain in one statement (`chain_event` plus
    the INSERT: two round trips). The statement reads the chain's head, and computes the new seq and
    SHA-256 over exactly the bytes `link` hashes: the canonical text is built here with a mark in
    place of the seq, which is the last key holding a number at the top level (keys are sorted:
    ..., on_behalf_of_id, seq, to_status), so the text splits at the mark's last occurrence.
    Returns False elsewhere (the caller then chains in Python and saves)."""
    if connection.vendor != "postgresql":
        return False
    from dossiers.models import Dossier, DossierEvent

    if not txn.known(("dossier-row-lock", event.dossier_id), using=connection.alias):
        Dossier.objects.using(connection.alias).select_for_update().filter(pk=event.dossier_id) \
            .values_list("pk", flat=True).first()
    event.data = as_stored(event.data or {})
    text = canonical(event_content(lambda name: _SEQ_MARK if name == "seq" else getattr(event, name))).decode()
    head, mark, tail = text.rpartition(f'"seq":{_SEQ_MARK}')
    assert mark, "the canonical text holds the seq"
    meta, quote = DossierEvent._meta, connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if f.attname not in ("id", "seq", "prev_hash", "hash")]
    values = [f.get_db_prep_save(f.pre_save(event, True), connection) for f in fields]
    table = quote(meta.db_table)
    sql = (f"INSERT INTO {table} ({', '.join(quote(f.column) for f in fields)}, seq, prev_hash, hash) "
           f"SELECT {', '.join(['%s'] * len(fields))}, head.seq + 1, head.hash, "
           "encode(sha256(convert_to(head.hash || chr(10) || %s || (head.seq + 1)::text || %s, 'UTF8')), 'hex') "
           f"FROM (SELECT * FROM (SELECT seq, hash FROM {table} WHERE dossier_id = %s ORDER BY seq DESC LIMIT 1) AS l "
           "UNION ALL SELECT 0, %s ORDER BY 1 DESC LIMIT 1) AS head RETURNING id, seq, prev_hash, hash")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, head + mark[:-len(str(_SEQ_MARK))], tail, event.dossier_id, GENESIS])
        event.pk, event.seq, event.prev_hash, event.hash = cursor.fetchone()
    event._state.adding, event._state.db = False, connection.alias
    return True


# --- triggers --------------------------------------------------------------------------------------------
def _trigger_sql(connection, model, spec: dict) -> list[str]:
    """The statements protecting `model`'s table, over the columns the table has now."""
    vendor, table, quote = connection.vendor, model._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
    set_once = [c for c in spec.get("set_once", []) if c in columns]
    frozen = [c for c in columns if c not in set_once] if spec["frozen"] == "all" \
        else [c for c in spec["frozen"] if c in columns]
    name = f"audit_{table}"
    if vendor == "postgresql":
        changed = " OR ".join(f"NEW.{quote(c)} IS DISTINCT FROM OLD.{quote(c)}" for c in frozen)
        changed += "".join(f" OR (OLD.{quote(c)} IS NOT NULL AND NEW.{quote(c)} IS DISTINCT FROM OLD.{quote(c)})"
                           for c in set_once)
        return [
            f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION '% is append-only: DELETE refused', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF {changed} THEN
    RAISE EXCEPTION '% is append-only: UPDATE refused', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$""",
            f"DROP TRIGGER IF EXISTS {name} ON {quote(table)}",
            f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {quote(table)} FOR EACH ROW EXECUTE FUNCTION {name}()",
        ]
    changed = " OR ".join(f"NEW.{quote(c)} IS NOT OLD.{quote(c)}" for c in frozen)
    changed += "".join(f" OR (OLD.{quote(c)} IS NOT NULL AND NEW.{quote(c)} IS NOT OLD.{quote(c)})" for c in set_once)
    unlocked = f"NOT EXISTS (SELECT 1 FROM {UNLOCK_TABLE})"
    return [
        f"CREATE TABLE IF NOT EXISTS {UNLOCK_TABLE} (reason TEXT)",
        f"DROP TRIGGER IF EXISTS {name}_update",
        f"DROP TRIGGER IF EXISTS {name}_delete",
        f"CREATE TRIGGER {name}_update BEFORE UPDATE ON {quote(table)} WHEN {unlocked} AND ({changed}) "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END",
        f"CREATE TRIGGER {name}_delete BEFORE DELETE ON {quote(table)} WHEN {unlocked} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END",
    ]


def install_triggers(connection=None, labels=None) -> list[str]:
    """Create (or re-create) the protecting triggers for the given models (default: all installed)."""
    connection = connection or default_connection
    installed = []
    for label, spec in PROTECTED.items():
        if labels is not None and label not in labels:
            continue
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if model._meta.db_table not in connection.introspection.table_names():
            continue
        with connection.cursor() as cursor:
            for sql in _trigger_sql(connection, model, spec):
                cursor.execute(sql)
        installed.append(label)
    return installed


def migration_installer(*labels):
    """A RunPython operation's function installing the triggers of `labels` (the models as of now)."""
    def run(migration_apps, schema_editor):
        install_triggers(schema_editor.connection, labels=set(labels))
    return run


def missing_triggers(connection=None) -> list[str]:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
    missing = []
    for label in PROTECTED:
        try:
            table = apps.get_model(label)._meta.db_table
        except LookupError:
            continue
        names = [f"audit_{table}"] if connection.vendor == "postgresql" else [f"audit_{table}_update",
                                                                                f"audit_{table}_delete"]
        missing += [f"{label} ({name})" for name in names if name not in present]
    return missing


def reinstall_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: SQLite rebuilds a table to alter it, and the rebuilt table has no triggers."""
    from django.db import connections

    if any(label.split(".")[0] == sender.label for label in PROTECTED):
        install_triggers(connections[using])


# --- verification ---------------------------------------------------------------------------------------
@dataclass
class Result:
    ok: bool = True
    rows: int = 0
    problems: list = field(default_factory=list)
    heads: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def first_problem(self) -> str:
        return self.problems[0] if self.problems else ""

    def fail(self, message: str) -> None:
        self.ok = False
        self.problems.append(message)


def _verify_events(result: Result, previous_heads: dict) -> None:
    from dossiers.models import DossierEvent

    heads: dict[str, list] = {}
    before = len(result.problems)
    current, expected_seq, prev = None, 1, GENESIS
    rows = DossierEvent.objects.order_by("dossier_id", "seq").values("id", "prev_hash", "hash", *EVENT_FIELDS,
                                                                      *EVENT_OPTIONAL_FIELDS)
    for row in rows.iterator(chunk_size=2000):
        result.rows += 1
        if row["dossier_id"] != current:
            current, expected_seq, prev = row["dossier_id"], 1, GENESIS
        where = f"DossierEvent #{row['id']} (hồ sơ #{row['dossier_id']}, thứ tự {row['seq']})"
        if row["seq"] != expected_seq:
            result.fail(f"{where}: thiếu sự kiện thứ tự {expected_seq} trước nó (đã bị xóa)")
        elif row["prev_hash"] != prev:
            result.fail(f"{where}: mắt xích trước không khớp (một sự kiện trước nó đã bị sửa hoặc xóa)")
        elif link(row["prev_hash"], event_content(row.get)) != row["hash"]:
            result.fail(f"{where}: nội dung đã bị sửa")
        expected_seq, prev = row["seq"] + 1, row["hash"]
        heads[str(current)] = [row["seq"], row["hash"]]
        if len(result.problems) > before:
            return
    for dossier_id, (seq, digest) in sorted(previous_heads.items(), key=lambda item: int(item[0])):
        now = heads.get(dossier_id)
        if now is None or now[0] < seq:
            result.fail(f"DossierEvent hồ sơ #{dossier_id}: lần kiểm tra trước có {seq} sự kiện, nay còn "
                        f"{now[0] if now else 0} (sự kiện cuối đã bị xóa)")
            return
    result.heads["events"] = heads


def verify(*, previous_heads: dict | None = None) -> Result:
    """Check every chain and the triggers; stop at the first broken link and name it."""
    started = time.monotonic()
    result = Result()
    missing = missing_triggers()
    if missing:
        result.fail("Thiếu trigger bảo vệ: " + ", ".join(missing))
    _verify_events(result, (previous_heads or {}).get("events", {}))
    for function in VERIFIERS.values():
        function(result, previous_heads or {})
    result.seconds = time.monotonic() - started
    return result


def run_check():
    """Verify and record the result (AuditCheck: the readiness endpoint reads the last one)."""
    from dossiers.models import AuditCheck

    previous = AuditCheck.objects.filter(ok=True).order_by("-checked_at", "-pk").first()
    result = verify(previous_heads=previous.heads if previous else None)
    with transaction.atomic():
        check = AuditCheck.objects.create(ok=result.ok, rows_checked=result.rows, problem="\n".join(result.problems),
                                          duration_ms=int(result.seconds * 1000),
                                          heads=result.heads if result.ok else {})
        stale = AuditCheck.objects.order_by("-checked_at", "-pk").values_list("pk", flat=True)[100:]
        AuditCheck.objects.filter(pk__in=list(stale)).delete()
    if not result.ok:
        log.error("audit_verify: %s", "; ".join(result.problems))
    _report(check)
    return check


def _report(check) -> None:
    """Also hand the outcome to the readiness endpoint's status store (ops.status, when installed), so
    every web server's /readyz shows it; the AuditCheck row stays the record."""
    if not apps.is_installed("ops"):
        return
    try:
        from importlib import import_module

        detail = (f"{check.rows_checked} rows verified" if check.ok else check.problem.split("\n")[0])
        import_module("ops.status").record("audit", ok=check.ok, detail=detail)
    except Exception as exc:  # noqa: BLE001 — the queue's store may be down; the row is written
        log.warning("audit result not reported to ops.status: %s: %s", type(exc).__name__, exc)


def last_check() -> dict:
    """For /readyz: the last audit check, or None fields when none ran yet."""
    from dossiers.models import AuditCheck

    check = AuditCheck.objects.order_by("-checked_at", "-pk").first()
    if check is None:
        return {"ok": None, "checked_at": None, "problem": "", "rows_checked": 0}
    return {"ok": check.ok, "checked_at": check.checked_at.isoformat(), "problem": check.problem,
            "rows_checked": check.rows_checked}
