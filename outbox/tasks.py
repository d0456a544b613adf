"""The dispatcher on the queue: a pass every minute in each consumer (safe with several), and a
pass on demand after a commit that enqueued something (the kick)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services


@db_periodic_task(crontab(minute="*"), retries=0)
def dispatch_every_minute():
    return str(services.dispatch())


@db_task(retries=0)
def dispatch_soon():
    return str(services.dispatch())
