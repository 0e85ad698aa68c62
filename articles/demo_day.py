"""
A day in progress on the demo newsroom's desk (DESIGN §10, "Demo"): the
people assigned to the published story, and a short follow-up, checked,
signed off and scheduled by the publisher for the next morning, in which
the reporter then fixed a typo inside a rated claim: the rating waits for a
re-check, the sign-off is undone (the article is back in review, saying
why), and the reporter's note asks the fact-checker to re-confirm. Built
through the rules layer like everything else, once: running ``load_demo``
again changes nothing.
"""

from datetime import datetime, time, timedelta

import reversion
from django.utils import timezone

from desk import workflow as desk

from . import editing, workflow
from .models import Article, Citation, Claim, Rating

TYPO, FIXED = "when it anounced", "when it announced"
NOTE = (
    "I fixed a typo in this claim (“anounced”); the facts are unchanged. "
    "@factchecker, can you re-confirm the rating?"
)

TIMELINE_SLUG = "microsoft-openai-three-investments"
TIMELINE_TITLE = "Microsoft and OpenAI: three investments in four years"
TIMELINE_DEK = (
    "How Microsoft's stake in the maker of ChatGPT grew from 2019 to the deal "
    "announced in January 2023."
)
# As the reporter first wrote it, typo included (fixed after the sign-off).
TIMELINE_BODY = (
    "Microsoft first invested in OpenAI in July 2019, when it anounced a "
    "$1 billion investment and became the exclusive provider of OpenAI’s cloud "
    "computing.\n\n"
    "It invested again in 2021. Neither company has disclosed how much.\n\n"
    "On January 23, 2023, the two companies announced a third phase of their "
    "partnership, which Microsoft described as a “multiyear, multibillion "
    "dollar investment.”"
)
PARAPHRASE = "Paraphrase of the source."
TIMELINE_CLAIMS = (
    {
        "quote": "Microsoft first invested in OpenAI in July 2019, when it "
        "anounced a $1 billion investment",
        "statement": "Microsoft announced a $1 billion investment in OpenAI in "
        "July 2019.",
        "claimant": None,
        "rating": Rating.ACCURATE,
        "explanation": "Microsoft's press release of July 22, 2019 announces the "
        "$1 billion investment and the exclusive cloud partnership.",
        "citations": [
            {
                "source": "microsoft-2019",
                "relation": Citation.Relation.SUPPORTS,
                "excerpt": "Microsoft announced that it would invest $1 billion in "
                "OpenAI and that OpenAI would run its services on Azure.",
                "note": PARAPHRASE,
            }
        ],
    },
    {
        "quote": "Neither company has disclosed how much.",
        "statement": "Neither Microsoft nor OpenAI has disclosed the size of "
        "Microsoft's 2021 investment in OpenAI.",
        "claimant": None,
        "rating": Rating.ACCURATE,
        "explanation": "Microsoft's January 2023 announcement mentions its "
        "investments of 2019 and 2021 and gives no figure for 2021; nor does "
        "OpenAI's.",
        "citations": [
            {
                "source": "microsoft-extend",
                "relation": Citation.Relation.SUPPORTS,
                "excerpt": "“This agreement follows our previous investments in "
                "2019 and 2021.”",
                "locator": "first paragraph",
            }
        ],
    },
    {
        "quote": "which Microsoft described as a “multiyear, multibillion dollar "
        "investment.”",
        "statement": "Microsoft described its January 2023 investment in OpenAI "
        "as multiyear and multibillion dollar.",
        "claimant": "microsoft",
        "rating": Rating.ACCURATE,
        "explanation": "The words are Microsoft's, from its announcement of "
        "January 23, 2023.",
        "citations": [
            {
                "source": "microsoft-extend",
                "relation": Citation.Relation.ORIGIN,
                "excerpt": "“…the third phase of our long-term partnership with "
                "OpenAI through a multiyear, multibillion dollar investment…”",
                "locator": "first paragraph",
            }
        ],
    },
)


def build_day(article: Article, *, users: dict, entities: dict, sources: dict):
    """The day in progress around the published ``article``; only what is missing."""
    reporter, checker = users["reporter"], users["factchecker"]
    publisher = users["publisher"]
    if article.editor_id is None:
        desk.assign(
            article,
            user=publisher,
            editor=publisher,
            reporter=reporter,
            checker=checker,
        )
    timeline = Article.objects.filter(slug=TIMELINE_SLUG).first()
    if timeline is None:
        timeline = _timeline(users=users, entities=entities, sources=sources)
    claim = timeline.claims.filter(quote__contains=TYPO).first()
    if claim is not None:
        _fix_typo(timeline, reporter)
        claim = Claim.objects.get(pk=claim.pk)
        desk.add_note(timeline, user=reporter, text=NOTE, claim=claim)


def _fix_typo(article: Article, reporter) -> None:
    """The reporter fixes a typo in a rated claim: its rating waits for a re-check."""
    current = Article.objects.get(pk=article.pk)
    edited = Article.objects.get(pk=article.pk)
    edited.body = current.body.replace(TYPO, FIXED)
    with reversion.create_revision():
        workflow.save_article(edited, user=reporter, current=current)
        editing.process_edit(edited, old_body=current.body)
        reversion.set_user(reporter)
        reversion.set_comment("Fixed a typo: “anounced” is “announced”")


def _timeline(*, users: dict, entities: dict, sources: dict) -> Article:
    reporter, checker = users["reporter"], users["factchecker"]
    publisher = users["publisher"]
    article = Article(
        title=TIMELINE_TITLE,
        slug=TIMELINE_SLUG,
        dek=TIMELINE_DEK,
        body=TIMELINE_BODY,
        byline=f"By {reporter.get_full_name()}",
    )
    article.full_clean()
    with reversion.create_revision():
        workflow.save_article(article, user=reporter, current=None)
        article.authors.set([reporter])
        editing.process_edit(article)
        reversion.set_user(reporter)
        reversion.set_comment("Wrote the timeline of Microsoft's investments")
    desk.assign(
        article,
        user=publisher,
        editor=publisher,
        reporter=reporter,
        checker=checker,
        due_at=_tomorrow_at(5),
    )
    tagged = []
    for spec in TIMELINE_CLAIMS:
        start = TIMELINE_BODY.index(spec["quote"])
        claim = workflow.tag_claim(
            article,
            user=reporter,
            start=start,
            end=start + len(spec["quote"]),
            claimant=entities[spec["claimant"]] if spec["claimant"] else None,
            statement=spec["statement"],
        )
        with reversion.create_revision():
            for cited in spec["citations"]:
                Citation.objects.create(
                    claim=claim, **{**cited, "source": sources[cited["source"]]}
                )
            reversion.add_to_revision(article)
            reversion.set_user(reporter)
            reversion.set_comment(f"Cited the sources of claim {claim}")
        tagged.append((claim, spec))
    workflow.submit_for_review(article, user=reporter)
    for claim, spec in tagged:
        workflow.rate_claim(
            claim, user=checker, rating=spec["rating"], explanation=spec["explanation"]
        )
    desk.sign_off(article, user=checker)
    workflow.schedule(article, user=publisher, publish_at=_tomorrow_at(6))
    return article


def _tomorrow_at(hour: int):
    day = timezone.localdate() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(hour)))
