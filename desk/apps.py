from django.apps import AppConfig


class DeskConfig(AppConfig):
    """
    The desk: a newsroom's day in one place. Assignments and sign-off are the
    article's own fields (articles.Article, articles.Claim); the desk keeps
    what is about the people around them: notes between colleagues, their
    notifications, the audit log of every state change, and the runs of the
    scheduler.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "desk"
    verbose_name = "Desk"
