"""Background delivery of outbox messages through Django's Tasks API."""

from django_tasks import task

from loudong.notify.outbox import send_due


@task()
def send_outbox(ids: list[int]) -> int:
    return send_due(ids=ids)
