from django.apps import AppConfig


class LibConfig(AppConfig):
    """Installed first so the database lookups every domain relies on are registered before use."""

    name = "loudong.lib"
    label = "lib"

    def ready(self) -> None:
        from loudong.lib import sql  # noqa: F401 - registers the `in_ids` lookup
