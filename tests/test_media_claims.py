"""
Media as the carrier of a claim (issue 18): a claim about an image or a
video, rated like any other, published with MediaReview beside ClaimReview;
what the MediaReview says of the media is part of what the rating covers,
on every door (admin, restore, import).
"""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from reversion.models import Version

from articles import gate, restoring, staleness, workflow
from articles.interchange import export_article, import_document
from articles.models import Article, Claim, Rating
from articles.rendering import render_body
from media import library
from media.claim_media import SCHEMA_CATEGORIES
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    EntityFactory,
    image_file,
    library_image,
)
from tests.test_admin import change_url, form_data

pytestmark = pytest.mark.django_db

# The part of the schema.org vocabulary (release 28) that MediaReview
# markup uses: each type with its parent, each property with the types it
# is used on (domainIncludes) and what it takes (rangeIncludes).
SUPERCLASS = {
    "Thing": None,
    "CreativeWork": "Thing",
    "Review": "CreativeWork",
    "MediaReview": "Review",
    "ClaimReview": "Review",
    "MediaReviewItem": "CreativeWork",
    "MediaObject": "CreativeWork",
    "ImageObject": "MediaObject",
    "VideoObject": "MediaObject",
    "ImageObjectSnapshot": "ImageObject",
    "VideoObjectSnapshot": "VideoObject",
    "SocialMediaPosting": "CreativeWork",
    "Organization": "Thing",
}
PROPERTIES = {
    "url": ({"Thing"}, {"URL"}),
    "name": ({"Thing"}, {"Text"}),
    "author": ({"CreativeWork"}, {"Organization", "Person"}),
    "publisher": ({"CreativeWork"}, {"Organization", "Person"}),
    "datePublished": ({"CreativeWork"}, {"Date", "DateTime"}),
    "itemReviewed": ({"Review"}, {"Thing"}),
    "mediaAuthenticityCategory": (
        {"MediaReview"},
        {"MediaManipulationRatingEnumeration"},
    ),
    "originalMediaContextDescription": ({"MediaReview"}, {"Text"}),
    "mediaItemAppearance": ({"MediaReviewItem"}, {"MediaObject"}),
    "contentUrl": ({"MediaObject"}, {"URL"}),
    "uploadDate": ({"MediaObject"}, {"Date", "DateTime"}),
    "startTime": ({"MediaObject"}, {"DateTime", "Time"}),
    "endTime": ({"MediaObject"}, {"DateTime", "Time"}),
    "archivedAt": ({"CreativeWork"}, {"URL", "WebPage"}),
    "isPartOf": ({"CreativeWork"}, {"CreativeWork", "URL"}),
}
MEDIA_CATEGORIES = {
    "DecontextualizedContent",
    "EditedOrCroppedContent",
    "OriginalMediaContent",
    "SatireOrParodyContent",
    "StagedContent",
    "TransformedContent",
}


def is_a(kind: str, ancestor: str) -> bool:
    while kind is not None:
        if kind == ancestor:
            return True
        kind = SUPERCLASS.get(kind)
    return False


def check_node(node: dict, where: str = "") -> list[str]:
    """Every type known, every property used on a type it belongs to."""
    problems = []
    kind = node.get("@type")
    if kind not in SUPERCLASS:
        return [f"{where}: unknown type {kind}"]
    for key, value in node.items():
        if key.startswith("@"):
            continue
        if key not in PROPERTIES:
            problems.append(f"{where}.{key}: not in the vocabulary used here")
            continue
        domains, ranges = PROPERTIES[key]
        if not any(is_a(kind, d) for d in domains):
            problems.append(f"{where}.{key}: not a property of {kind}")
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                if not any(is_a(item.get("@type"), r) for r in ranges | {"Thing"}):
                    problems.append(f"{where}.{key}: {item.get('@type')} not allowed")
                if (
                    not ranges & set(SUPERCLASS)
                    or "Thing" in ranges
                    or any(is_a(item.get("@type"), r) for r in ranges)
                ):
                    problems += check_node(item, f"{where}.{key}")
                else:
                    problems.append(f"{where}.{key}: {item.get('@type')} not in range")
            elif key == "mediaAuthenticityCategory" and item not in MEDIA_CATEGORIES:
                problems.append(f"{where}.{key}: {item} is not a member")
    return problems


@pytest.fixture
def media_claim(people):
    """A published article with a claim about a video and one about a picture."""
    picture = library_image(people["reporter"], alt="A flooded street")
    article = ArticleFactory(
        body="A video shared this week claims to show the flood.\n\nMore text."
    )
    video = Claim(
        article=article,
        quote="A video shared this week claims to show the flood",
        start=0,
        end=49,
        statement="The video shows this week's flood.",
        media_type="video",
        media_url="https://video.example/watch/1",
        media_archive_url="https://archive.example/1",
        media_appeared_url="https://social.example/post/9",
        media_platform="Social",
        media_appeared_on=datetime.date(2024, 3, 1),
        media_start_seconds=12,
        media_end_seconds=75,
        tagged_by=people["reporter"],
    )
    video.full_clean()
    video.save()
    photo = Claim(
        article=article,
        quote="",
        statement="The photo shows the flood of 2024.",
        media_type="image",
        media_image=picture,
        tagged_by=people["reporter"],
    )
    photo.full_clean()
    photo.save()
    for claim in (video, photo):
        CitationFactory(claim=claim, relation="origin")
        workflow.rate_claim(
            claim,
            user=people["checker"],
            rating=Rating.MISLEADING,
            explanation="The footage is from 2019, in another country.",
            media_authenticity="missing_context",
        )
    return article, video, photo, picture


def test_a_media_claim_is_rated_and_published_with_a_valid_mediareview(
    client, people, media_claim
):
    article, video, photo, picture = media_claim
    # Misleading, so said by someone else: the newsroom does not say it.
    for claim in (video, photo):
        claim.claimant = EntityFactory(name=f"Poster {claim.pk}")
        workflow.save_claim(claim, user=people["reporter"])
        workflow.rate_claim(
            Claim.objects.get(pk=claim.pk),
            user=people["checker"],
            rating=Rating.MISLEADING,
            media_authenticity="missing_context",
        )
    version = workflow.publish(
        Article.objects.get(pk=article.pk), user=people["publisher"]
    )
    reviews = [d for d in version.jsonld if d["@type"] == "MediaReview"]
    claim_reviews = [d for d in version.jsonld if d["@type"] == "ClaimReview"]
    assert len(reviews) == 2 and len(claim_reviews) == 2
    for review in reviews:
        assert check_node(review, "MediaReview") == []
        assert review["mediaAuthenticityCategory"] == "DecontextualizedContent"
        assert review["originalMediaContextDescription"].startswith("The footage")
    by_type = {r["itemReviewed"]["mediaItemAppearance"][0]["@type"]: r for r in reviews}
    clip = by_type["VideoObjectSnapshot"]["itemReviewed"]["mediaItemAppearance"][0]
    assert clip["contentUrl"] == "https://video.example/watch/1"
    assert clip["archivedAt"] == "https://archive.example/1"
    assert (clip["startTime"], clip["endTime"]) == ("00:00:12", "00:01:15")
    assert clip["isPartOf"]["url"] == "https://social.example/post/9"
    still = by_type["ImageObjectSnapshot"]["itemReviewed"]["mediaItemAppearance"][0]
    assert still["contentUrl"].endswith(picture.file.name)
    # Readers see the media with the claim.
    html = client.get(article.get_absolute_url()).content.decode()
    assert "About a video</strong>, shared on Social" in html
    assert "from 0:12 to 1:15" in html
    assert 'alt="A flooded street"' in html
    assert "Missing context: real, shown misleadingly" in html


def claim_labels(html: str) -> list[str]:
    """The targets of the claims' notes on a page, in order."""
    return re.findall(r'<a class="claim-label [^"]*" href="#([^"]+)"', html)


def test_a_claim_about_the_lead_image_has_its_note_in_its_caption(
    client, people, media_claim
):
    article, video, photo, picture = media_claim
    article.lead_image = picture
    article.save()
    for claim in (video, photo):  # misleading: said by someone else
        claim.claimant = EntityFactory(name=f"Poster {claim.pk}")
        workflow.save_claim(claim, user=people["reporter"])
        workflow.rate_claim(
            Claim.objects.get(pk=claim.pk),
            user=people["checker"],
            rating=Rating.MISLEADING,
            media_authenticity="missing_context",
        )
    workflow.publish(Article.objects.get(pk=article.pk), user=people["publisher"])
    html = client.get(article.get_absolute_url()).content.decode()
    lead = re.search(r'<figure class="figure figure--lead">.*?</figure>', html, re.S)
    caption = re.search(r"<figcaption>.*?</figcaption>", lead.group(0), re.S)
    # One note per claim on the page: the video's after its words, the
    # picture's in the caption, with the id its card's "Back to the text"
    # links to, named for a screen reader by what it says of the picture.
    assert claim_labels(html) == [f"claim-{photo.pk}", f"claim-{video.pk}"]
    assert claim_labels(caption.group(0)) == [f"claim-{photo.pk}"]
    assert f'<span class="claim-note" id="claim-{photo.pk}-text"' in caption.group(0)
    assert (
        'aria-label="Misleading: fact-check of this image, '
        '“The photo shows the flood of 2024.”"'
    ) in caption.group(0)
    assert f'href="#claim-{photo.pk}-text"' in html


def test_a_claim_about_an_image_in_the_body_has_its_note_at_its_first_figure():
    def figure(image_id, caption, notes=""):
        return (
            f"<figure><img data-id={image_id}><figcaption>{notes}</figcaption></figure>"
        )

    def about(pk, image, start=0, end=0, quote=""):
        return {
            "anchor_id": f"claim-{pk}",
            "rating": "accurate",
            "start": start,
            "end": end,
            "quote": quote,
            "statement": f"Claim {pk}.",
            "media": {"type": "image", "image": image},
        }

    body = "Words.\n\n![](image:7)\n\nMore words.\n\n![](image:7)\n\n![](image:8)"
    claims = [about(1, 7), about(2, 8, 0, 5, "Words"), about(3, 9)]
    html = render_body(body, claims, figure=figure)
    figures = re.findall(r"<figure>.*?</figure>", html)
    # Claim 1 in the first figure of its image only; claim 2 has its words
    # marked (its note follows them); claim 3's image is not on the page.
    assert [claim_labels(f) for f in figures] == [["claim-1"], [], []]
    assert claim_labels(html) == ["claim-2", "claim-1"]


def test_every_authenticity_value_is_a_member_of_the_vocabulary():
    assert set(SCHEMA_CATEGORIES.values()) == MEDIA_CATEGORIES


def test_the_validator_catches_a_wrong_mediareview():
    wrong = {
        "@type": "MediaReview",
        "mediaAuthenticityCategory": "Fake",
        "itemReviewed": {"@type": "MediaReviewItem", "contentUrl": "x"},
    }
    assert len(check_node(wrong)) == 2


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"media_url": "https://video.example/watch/2"}, "the media's address changed"),
        (
            {"media_appeared_url": "https://other.example/p"},
            "where it appeared changed",
        ),
        ({"media_platform": "Other"}, "the platform changed"),
        ({"media_appeared_on": datetime.date(2024, 3, 2)}, "when it appeared changed"),
        ({"media_start_seconds": 10}, "the start of the video's part changed"),
        ({"media_archive_url": ""}, "the archived copy changed"),
    ],
)
def test_a_change_to_the_media_makes_the_rating_stale_with_the_reason(
    people, media_claim, change, reason
):
    _article, video, _photo, _picture = media_claim
    claim = Claim.objects.get(pk=video.pk)
    assert not staleness.is_stale(claim)
    for name, value in change.items():
        setattr(claim, name, value)
    workflow.save_claim(claim, user=people["reporter"])
    claim = Claim.objects.get(pk=claim.pk)
    assert staleness.is_stale(claim)
    assert reason in staleness.stale_reasons(claim)


def test_replacing_the_picture_a_claim_is_about_makes_its_rating_stale(
    people, media_claim
):
    _article, _video, photo, picture = media_claim
    library.replace_image(
        picture, image_file(size=(50, 50)), user=people["reporter"], name="b.jpg"
    )
    claim = Claim.objects.get(pk=photo.pk)
    assert staleness.is_stale(claim)
    assert f"the file of {picture} was replaced" in " ".join(
        staleness.stale_reasons(claim)
    )
    blockers = [b.code for b in gate.gate_blockers(claim.article)]
    assert "stale" in blockers


def test_claims_without_media_keep_their_checks():
    """Adding media to the rating did not change the checks of other claims."""
    claim = ClaimFactory()
    data = {
        "quote": claim.quote,
        "claimant": None,
        "statement": claim.statement.strip(),
        "kind": claim.kind,
        "citations": [],
    }
    import hashlib
    import json

    expected = hashlib.sha256(
        json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    assert staleness.claim_fingerprint(claim, []) == expected


def test_a_rated_media_claim_needs_what_the_media_is(people, media_claim):
    _article, video, _photo, _picture = media_claim
    claim = Claim.objects.get(pk=video.pk)
    workflow.rate_claim(
        claim, user=people["checker"], rating=Rating.MISLEADING, media_authenticity=""
    )
    messages = [b.message for b in gate.gate_blockers(claim.article)]
    assert any("a fact-checker says what the media is" in m for m in messages)


def test_media_fields_that_do_not_fit_are_refused():
    article = ArticleFactory()
    claim = Claim(
        article=article,
        quote="",
        statement="x",
        media_type="video",
        media_image=None,
        media_url="",
    )
    with pytest.raises(ValidationError) as refused:
        claim.full_clean()
    assert "media_url" in refused.value.message_dict
    claim = Claim(article=article, quote="", statement="", media_type="")
    with pytest.raises(ValidationError) as refused:
        claim.full_clean()
    assert "quote" in refused.value.message_dict
    claim = Claim(
        article=article,
        quote="",
        statement="s",
        media_type="image",
        media_url="https://x.example/a.jpg",
        media_start_seconds=3,
    )
    with pytest.raises(ValidationError) as refused:
        claim.full_clean()
    assert "media_start_seconds" in refused.value.message_dict


# Doors -----------------------------------------------------------------------------


def test_only_a_fact_checker_sets_what_the_media_is_in_the_admin(
    client, people, media_claim
):
    _article, video, _photo, _picture = media_claim
    client.force_login(people["reporter"])
    response = client.get(change_url(video))
    data = form_data(response, "claim_form")
    data["media_authenticity"] = "original"
    client.post(change_url(video), data)
    assert Claim.objects.get(pk=video.pk).media_authenticity == "missing_context"
    client.force_login(people["checker2"])
    response = client.get(change_url(video))
    data = form_data(response, "claim_form")
    data["media_authenticity"] = "edited"
    response = client.post(change_url(video), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    claim = Claim.objects.get(pk=video.pk)
    assert claim.media_authenticity == "edited"
    assert claim.checked_by == people["checker2"]


def test_a_restore_brings_back_what_the_media_is_only_for_a_fact_checker(
    people, media_claim
):
    article, video, _photo, _picture = media_claim
    revision = Version.objects.get_for_object(article).first().revision
    workflow.rate_claim(
        Claim.objects.get(pk=video.pk),
        user=people["checker"],
        rating=Rating.MISLEADING,
        media_authenticity="edited",
    )
    kept = restoring.kept_ratings(article, revision, user=people["reporter"])
    assert kept and "stays misleading" in kept[0]
    restoring.restore_revision(article, revision, user=people["reporter"])
    assert Claim.objects.get(pk=video.pk).media_authenticity == "edited"
    restoring.restore_revision(article, revision, user=people["checker2"])
    claim = Claim.objects.get(pk=video.pk)
    assert claim.media_authenticity == "missing_context"
    assert staleness.is_stale(claim)  # a restored rating is checked again


def test_an_import_takes_what_the_media_is_only_from_who_may_rate(people, media_claim):
    article, *_ = media_claim
    document = export_article(article)
    document["article"]["slug"] = "imported-by-a-reporter"
    result = import_document(document, user=people["reporter"])
    imported = {c.statement: c for c in result.article.claims.all()}
    video = imported["The video shows this week's flood."]
    assert video.media_authenticity == "" and video.rating == Rating.UNRATED
    assert video.media_url == "https://video.example/watch/1"
    assert video.media_start_seconds == 12
    assert any("not rated" in note for note in result.notes)
