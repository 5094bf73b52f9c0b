"""The outbox mechanism shared by every side effect: e-mails, pushes to 4807.

A row is written in the transaction of the change that causes it; a worker
claims it, does the work, records the attempt, retries what can be retried.
See worker.py for the claiming, the lease and the takeover after a crash.
"""
