from django.db import models


class DemoMarker(models.Model):
    """Present only in a database built by `loudong demo`; the login page then lists demo logins."""

    built_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"演示数据（{self.built_at:%Y-%m-%d %H:%M}）"
