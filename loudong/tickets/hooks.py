"""What the request workflow tells the layers above it (see loudong.lib.hooks)."""

from loudong.lib.hooks import Hook

finished_request_changed = Hook(
    "A request changed while finished, or stopped being finished: send(request). The stats connect "
    "to mark its day's tallies stale."
)
