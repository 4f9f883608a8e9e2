from celery import shared_task

from hiring.services import worker_heartbeat_record


@shared_task(ignore_result=True)
def worker_heartbeat_task() -> None:
    from celery import current_task

    worker_heartbeat_record(worker=current_task.request.hostname or "worker")
