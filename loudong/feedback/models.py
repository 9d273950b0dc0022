import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from loudong.accounts.models import User
from loudong.registry.models import Community


def new_token() -> str:
    return secrets.token_urlsafe(16)


class FeedbackQuerySet(models.QuerySet):
    def for_community(self, community: Community) -> "FeedbackQuerySet":
        return self.filter(community=community)


class Feedback(models.Model):
    """One message about the platform, and the admin's answer. The sender reads the answer on the page
    of its token, where sending it leads them."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="platform_feedback")
    text = models.TextField("意见建议", max_length=1000)
    page = models.CharField("从哪个页面提出", max_length=300, blank=True)
    elder = models.BooleanField("长辈版", default=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.CharField(max_length=32, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField("答复", max_length=1000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = "意见建议"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "-created_at"])]

    def __str__(self) -> str:
        return self.text[:30]

    def answer_with(self, text: str, *, by: User) -> None:
        self.answer, self.answered_at, self.answered_by = text, timezone.now(), by
        self.save(update_fields=["answer", "answered_at", "answered_by"])
