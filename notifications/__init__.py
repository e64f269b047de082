"""Notifications: the outbox of e-mails and the Celery tasks that send it.

Its own app because every other app sends mail, and "exactly once, nothing lost when the broker
is down" is one concept with one home.
"""
