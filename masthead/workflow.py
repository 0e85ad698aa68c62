"""
Changing the newsroom's profile: its texts, its team, its funders.

Every change readers will see on the transparency pages goes through here,
from the admin and from ``load_demo`` alike: the right is checked
(``check_edit_masthead``, which the admin also asks to decide what it
offers), the change is recorded as a revision of the whole profile with its
user and comment, and the public generation moves in the same transaction,
so no cached page shows the old text.
"""

import logging

import reversion
from django.core.exceptions import PermissionDenied
from django.db import transaction

from articles.caching import bump_generation

from .models import Funder, Masthead, TeamMember

logger = logging.getLogger(__name__)

EDIT_PERMISSION = "masthead.edit_masthead"
Item = Masthead | TeamMember | Funder


def current() -> Masthead:
    """The newsroom's profile; an empty one (unsaved) until someone writes it."""
    return Masthead.objects.filter(pk=1).first() or Masthead(pk=1)


def check_edit_masthead(item: Item | None = None, *, user) -> list[str]:
    """Why ``user`` may not change the profile (``item`` of it); empty if they may."""
    if not (user.is_active and user.has_perm(EDIT_PERMISSION)):
        return [
            "Only publishers may change the newsroom's about, methodology and "
            "corrections pages."
        ]
    return []


def _refuse(item: Item | None, user, action: str) -> None:
    reasons = check_edit_masthead(item, user=user)
    if reasons:
        logger.warning("Permission denied: %s may not %s", user, action)
        raise PermissionDenied(" ".join(reasons))


def _describe(item: Item) -> str:
    if isinstance(item, Masthead):
        return "the newsroom's profile"
    return f"{item._meta.verbose_name} “{item}”"


@transaction.atomic
def save_item(item: Item, *, user, comment: str = "") -> Item:
    """Save the profile, a team member or a funder, as a revision of the profile."""
    _refuse(item, user, f"change {_describe(item)}")
    if isinstance(item, Masthead):
        item.pk = 1
    else:
        Masthead.objects.get_or_create(pk=1)
        item.masthead_id = 1
    item.full_clean()
    added = item._state.adding
    with reversion.create_revision():
        item.save()
        reversion.add_to_revision(Masthead.objects.get(pk=1))
        reversion.set_user(user)
        reversion.set_comment(
            comment or f"{'Added' if added else 'Changed'} {_describe(item)}"
        )
        bump_generation()
    logger.info(
        "%s %s (%s) by %s",
        "Added" if added else "Changed",
        item._meta.model_name,
        item.pk,
        user,
    )
    return item


@transaction.atomic
def delete_item(item: TeamMember | Funder, *, user, comment: str = "") -> None:
    """Remove a team member or a funder from the profile."""
    _refuse(item, user, f"remove {_describe(item)}")
    described, pk = _describe(item), item.pk
    with reversion.create_revision():
        item.delete()
        reversion.add_to_revision(Masthead.objects.get(pk=1))
        reversion.set_user(user)
        reversion.set_comment(comment or f"Removed {described}")
        bump_generation()
    logger.info("Removed %s (%s) by %s", item._meta.model_name, pk, user)
