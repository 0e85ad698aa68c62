"""Finding the article and the user a command acts on, or a one-line error."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from articles.models import Article


def get_article(slug: str) -> Article:
    """The article with ``slug``, or CommandError."""
    article = Article.objects.select_related("live_version").filter(slug=slug).first()
    if article is None:
        raise CommandError(f"No article with the slug '{slug}'.")
    return article


def get_user(username: str | None, *, option: str = "--user"):
    """The active user ``username``; without one, the only active superuser."""
    User = get_user_model()
    if username is None:
        superusers = list(User.objects.filter(is_superuser=True, is_active=True)[:2])
        if len(superusers) == 1:
            return superusers[0]
        reason = (
            "there is no superuser"
            if not superusers
            else "there are several superusers"
        )
        raise CommandError(
            f"Say who acts with {option} NAME ({reason}, so there is no default)."
        )
    user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
    if user is None:
        raise CommandError(f"No user named '{username}'.")
    if not user.is_active:
        raise CommandError(f"The user '{username}' is inactive.")
    return user
