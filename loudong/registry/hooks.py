"""What the registry tells the layers above it (see loudong.lib.hooks)."""

from loudong.lib.hooks import Hook

community_created = Hook(
    "A community was created: send(community), inside its transaction. Each receiver sets the "
    'community up for its domain and answers a line for the operator, or "" (the policy adds the '
    "care tags its default visit intervals name)."
)
