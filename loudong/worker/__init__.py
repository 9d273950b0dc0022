"""`loudong worker`: the one background process, a runner of the jobs each domain registers.

Every round (about once a second) it runs the queued background tasks (django-tasks' database
queue, as `db_worker` would: roster imports, outbox deliveries), then every registered job whose
time has come. The jobs, each registered from its app's AppConfig.ready() with `jobs.register`:

- intake (tickets, every round): places the submissions received since the last round;
- deadlines (tickets, every minute): reminders, late responses, overdue escalation, auto-close;
- outbox (notify, every minute): sends the messages whose retry time has come;
- stalled imports (registry, every minute): marks failed the roster imports whose process died;
- tallies (stats, every minute): recounts the stale stats tallies and group coverage;
- idempotency (api, every hour): purges expired API idempotency answers and placed intake rows;
- audit retention (accounts, every hour): removes audit entries past their retention period;
- api token expiry (accounts, every hour): deletes API tokens left unused past their idle time or
  issued before their owner's password changed, each deletion audited;
- heartbeat cleanup (worker, every hour): deletes the heartbeat rows of workers not seen for a day;
- the retention rules (loudong.accounts.retention, once a day): idempotency retention and intake
  retention (api: expired API idempotency answers, placed intake rows), request contact retention
  (tickets: anonymises finished requests' contact fields), sent message retention and read inbox
  retention (notify), task result retention (accounts: finished background tasks).

Several workers may run on one PostgreSQL database (one or more per server): each queue is claimed
with SELECT ... FOR UPDATE SKIP LOCKED in short transactions (intake batches, one community's stale
tallies, a chunk of stale coverage, a batch of outbox messages, one deadline row, one stalled import,
a retention batch), so they share the work, none waits on another's long lock, and every row is
handled once. django-tasks-db's own worker, which runs the queued tasks, claims each task the same
way (select_for_update(skip_locked=True), then marks it running).

Every round also records the process's heartbeat (loudong.worker.heartbeat, read by /healthz).
A job that fails is logged and tried again at its next time; it never stops the others.
"""
