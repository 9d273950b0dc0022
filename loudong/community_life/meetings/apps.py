from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "loudong.community_life.meetings"
    label = "meetings"
    verbose_name = "红色议事厅"

    def ready(self) -> None:
        # The elections' 建议名单 (in groups, a lower layer) counts the meetings a candidate attended.
        from loudong.community_life.meetings.figures import group_attendance
        from loudong.groups.elections.hooks import meetings_attended

        meetings_attended.connect(group_attendance)
