"""The newsroom's roles (DESIGN §5) as Django groups with permissions."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

REPORTERS = "Reporters"
FACT_CHECKERS = "Fact-checkers"
PUBLISHERS = "Publishers"

# app_label.codename; each role has the permissions of the one before it.
_REPORTER = [
    "articles.view_article",
    "articles.add_article",
    "articles.change_article",
    "articles.view_claim",
    "articles.add_claim",
    "articles.change_claim",
    "articles.delete_claim",
    "articles.view_citation",
    "articles.add_citation",
    "articles.change_citation",
    "articles.delete_citation",
    "articles.view_correction",
    "articles.view_publishedversion",
    "articles.view_mention",
    "articles.add_mention",
    "articles.change_mention",
    "articles.delete_mention",
    "entities.view_entity",
    "entities.add_entity",
    "entities.change_entity",
    "entities.view_source",
    "entities.add_source",
    "entities.change_source",
    "media.view_image",
    "media.add_image",
    "media.change_image",
    # The source archive: captures (an upload is an added capture) and the
    # record of each fetch.
    "sources.view_capture",
    "sources.add_capture",
    "sources.view_attempt",
]
# Fact-checkers rate claims on the evidence, and may add a file they were
# given as a source's capture (public evidence once an article cites it).
_FACT_CHECKER = [*_REPORTER, "articles.rate_claim", "sources.upload_capture"]
_PUBLISHER = [
    *_FACT_CHECKER,
    "articles.publish_article",
    "articles.delete_article",
    "articles.add_correction",
    "articles.change_correction",
    "articles.assign_article",
    "desk.view_auditevent",
    # The newsroom's profile: about, methodology, corrections policy.
    "masthead.edit_masthead",
    "media.delete_image",
]

ROLES = {REPORTERS: _REPORTER, FACT_CHECKERS: _FACT_CHECKER, PUBLISHERS: _PUBLISHER}


@transaction.atomic
def setup_roles() -> dict[str, Group]:
    """Create or update the three groups so they hold exactly their permissions."""
    groups = {}
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.append(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(permissions)
        groups[name] = group
    return groups
