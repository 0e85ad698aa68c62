"""
The newsroom's account of itself, as its transparency pages show it: who it
is and by what principles it publishes, how it checks, how it corrects, who
works there, who owns it and who pays for it. Editors keep it in the admin;
/about/, /methodology/ and /corrections/ show it.
"""

import reversion
from django.db import models

from entities.models import http_only, limited_text
from entities.validators import validate_http_url

TEXT_MAX_LENGTH = 20_000
BIO_MAX_LENGTH = 2_000
MARKDOWN_HELP = (
    "Markdown: paragraphs separated by a blank line, *emphasis*, [links](https://…)."
)


@reversion.register(follow=["team", "funders"])
class Masthead(models.Model):
    """One row: the newsroom's texts about itself."""

    about = limited_text(
        TEXT_MAX_LENGTH,
        verbose_name="who we are",
        blank=True,
        help_text="The opening of the about page: what the newsroom is and "
        "what it covers. " + MARKDOWN_HELP,
    )
    principles = limited_text(
        TEXT_MAX_LENGTH,
        verbose_name="publishing principles",
        blank=True,
        help_text="What the newsroom holds itself to: independence, fairness, "
        "sourcing. Search engines find it as the publisher's publishing "
        "principles. " + MARKDOWN_HELP,
    )
    methodology = limited_text(
        TEXT_MAX_LENGTH,
        verbose_name="how we fact-check",
        blank=True,
        help_text="How claims are chosen, checked and rated, shown on the "
        "methodology page under the rating scale (the site writes the scale "
        "itself, from the ratings the software uses). " + MARKDOWN_HELP,
    )
    corrections_policy = limited_text(
        TEXT_MAX_LENGTH,
        verbose_name="corrections policy",
        blank=True,
        help_text="How readers report a mistake and how it is corrected, shown "
        "at the top of the corrections page. " + MARKDOWN_HELP,
    )
    ownership = limited_text(
        TEXT_MAX_LENGTH,
        blank=True,
        help_text="Who owns the newsroom and who takes its editorial decisions. "
        + MARKDOWN_HELP,
    )
    funding = limited_text(
        TEXT_MAX_LENGTH,
        blank=True,
        help_text="How the newsroom is paid for, in a few sentences; the funders "
        "listed below follow it on the about page. " + MARKDOWN_HELP,
    )
    contact_email = models.EmailField(
        blank=True,
        help_text="Where readers write, for example to report a mistake. Shown "
        "on the about and corrections pages.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "newsroom profile"
        verbose_name_plural = "newsroom profile"
        permissions = [
            (
                "edit_masthead",
                "Can edit the newsroom's about, methodology and corrections pages",
            )
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="masthead_one_row")
        ]

    def __str__(self):
        return "The newsroom's profile"


@reversion.register()
class TeamMember(models.Model):
    masthead = models.ForeignKey(
        Masthead, on_delete=models.CASCADE, related_name="team", default=1
    )
    name = models.CharField(max_length=200)
    role = models.CharField(
        max_length=200, help_text="As readers see it, e.g. “Editor-in-chief”."
    )
    bio = limited_text(BIO_MAX_LENGTH, blank=True, help_text="A sentence or two.")
    url = models.URLField(
        "URL",
        max_length=500,
        blank=True,
        validators=[validate_http_url],
        help_text="A page about them, if they have one.",
    )
    position = models.PositiveIntegerField(
        default=0, help_text="The team is listed from the lowest number up."
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "team member"
        constraints = [
            http_only("url", name="team_member_url_http"),
        ]

    def __str__(self):
        return f"{self.name}, {self.role}"


class FunderKind(models.TextChoices):
    OWNER = "owner", "Owner's funds"
    READERS = "readers", "Readers (memberships, subscriptions, donations)"
    GRANT = "grant", "Grant"
    DONATION = "donation", "Donation"
    ADVERTISING = "advertising", "Advertising"
    LICENSING = "licensing", "Content licensing"
    PLATFORM = "platform", "Platform partnership"
    PUBLIC = "public", "Public funding"
    OTHER = "other", "Other"


@reversion.register()
class Funder(models.Model):
    Kind = FunderKind

    masthead = models.ForeignKey(
        Masthead, on_delete=models.CASCADE, related_name="funders", default=1
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.GRANT)
    amount = models.CharField(
        max_length=100,
        blank=True,
        help_text="As you publish it, e.g. “$120,000” or “about 40% of revenue”.",
    )
    period = models.CharField(
        max_length=100, blank=True, help_text="For example “2025” or “2024–2026”."
    )
    url = models.URLField(
        "URL", max_length=500, blank=True, validators=[validate_http_url]
    )
    note = limited_text(
        BIO_MAX_LENGTH,
        blank=True,
        help_text="What the money is for, and any condition attached to it.",
    )
    position = models.PositiveIntegerField(
        default=0, help_text="Funders are listed from the lowest number up."
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=FunderKind.values),
                name="funder_kind_valid",
            ),
            http_only("url", name="funder_url_http"),
        ]

    def __str__(self):
        return self.name
