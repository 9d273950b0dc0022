from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "loudong.projects"
    label = "projects"
    verbose_name = "需求、资源和项目清单"

    def ready(self) -> None:
        from loudong.lib.page_actions import page_actions
        from loudong.projects import page_links, personal

        page_actions.connect(page_links.page_actions)
        personal.connect()
