from celery import shared_task

from .training import retrain


@shared_task
def retrain_classifier() -> dict:
    result = retrain()
    return {"version": result.version, "activated": result.activated, "score": result.new_score}
