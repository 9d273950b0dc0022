"""What the request workflow tells the layers above it (see loudong.lib.hooks)."""

from loudong.lib.hooks import Hook

finished_request_changed = Hook(
    "A request changed while finished, or stopped being finished: send(request). The stats connect "
    "to mark its day's tallies stale."
)

tracking_notes = Hook(
    "What the resident's tracking page shows beyond the request: send(request) answers, per receiver, a "
    "list of (title, text, url or '') lines. The privacy requests made from this link connect."
)
