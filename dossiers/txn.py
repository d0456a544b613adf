"""Facts that hold until the current transaction ends: "this transaction holds the calendar lock",
"this transaction holds dossier row 12". A path move asks them to skip a second round trip for a
lock it already took (issue 11: statements per transition).

A fact is kept beside the connection's list of on-commit callbacks, which Django replaces by a new
list whenever a transaction commits or rolls back, and when a savepoint rolls back. A fact is
believed only while that very list object is still the connection's: after any of those, it is
forgotten and the lock is taken again (a lock taken in a savepoint that rolled back was released
with it; forgetting errs on the safe side)."""

from django.db import transaction


def _facts(connection) -> set | None:
    if not connection.in_atomic_block:
        return None
    state = connection.__dict__.get("_kt_transaction_facts")
    if state is None or state[0] is not connection.run_on_commit:
        state = (connection.run_on_commit, set())
        connection.__dict__["_kt_transaction_facts"] = state
    return state[1]


def remember(fact, using=None) -> None:
    """Record `fact` (hashable) for the rest of the current transaction (nothing outside one)."""
    facts = _facts(transaction.get_connection(using))
    if facts is not None:
        facts.add(fact)


def known(fact, using=None) -> bool:
    """Whether `fact` was recorded in the current transaction and still holds."""
    facts = _facts(transaction.get_connection(using))
    return facts is not None and fact in facts
