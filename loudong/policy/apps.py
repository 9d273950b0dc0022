from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "loudong.policy"

    def ready(self) -> None:
        from loudong.policy.setup import add_care_tags
        from loudong.registry.hooks import community_created

        community_created.connect(add_care_tags)
