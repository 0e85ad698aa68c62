"""Test data factories."""

import itertools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles.models import Article, Citation, Claim, Correction
from entities.models import Entity, Source


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))
        if create:
            self.save()


def reporter(**kwargs):
    return UserFactory(groups=["Reporters"], **kwargs)


def fact_checker(**kwargs):
    return UserFactory(groups=["Fact-checkers"], **kwargs)


def publisher(**kwargs):
    return UserFactory(groups=["Publishers"], **kwargs)


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Entity {n}")
    slug = factory.LazyAttribute(lambda e: e.name.lower().replace(" ", "-"))
    kind = Entity.Kind.ORGANIZATION


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report number {n}")
    kind = Source.Kind.NEWS_REPORT
    publisher = factory.SubFactory(EntityFactory)
    url = factory.Sequence(lambda n: f"https://example.org/reports/{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    dek = "What happened, in a sentence."
    body = (
        "Acme Corp said its profits doubled last year.\n\n"
        "Analysts expect the trend to continue into next year."
    )
    byline = "By A. Reporter"


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim on ``article``; pass ``quote`` and it is found in the body."""

    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    quote = "its profits doubled last year"
    start = factory.LazyAttribute(lambda c: c.article.body.index(c.quote))
    end = factory.LazyAttribute(lambda c: c.start + len(c.quote))
    prefix = factory.LazyAttribute(
        lambda c: c.article.body[max(0, c.start - 32) : c.start]
    )
    suffix = factory.LazyAttribute(lambda c: c.article.body[c.end : c.end + 32])
    statement = "Acme's profits doubled last year."


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    relation = Citation.Relation.SUPPORTS
    excerpt = "Profits rose 101 percent."


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    text = "An earlier version misstated the year."


def image_file(
    fmt: str = "JPEG", size=(1200, 800), color=(200, 60, 40), **options
) -> bytes:
    """The bytes of a picture drawn here (a gradient, so it compresses like one)."""
    import io

    from PIL import Image as PILImage
    from PIL import ImageDraw

    picture = PILImage.new("RGB", size, color)
    draw = ImageDraw.Draw(picture)
    for x in range(0, size[0], max(1, size[0] // 40)):
        draw.line([(x, 0), (x, size[1])], fill=(x % 256, 120, 255 - x % 256), width=2)
    out = io.BytesIO()
    picture.save(out, format=fmt, **options)
    return out.getvalue()


_pictures = itertools.count(1)


def library_image(user=None, *, data: bytes | None = None, **words):
    """An image added to the media library through its rules."""
    from media import library

    if user is None:
        user = UserFactory(username="image-uploader", is_superuser=True)
    words.setdefault("alt", "A test picture: coloured stripes.")
    words.setdefault("credit", "Photo: Test Desk")
    words.setdefault("licence", "CC BY 4.0")
    if data is None:
        n = next(_pictures)
        data = image_file(color=(n * 37 % 256, n * 91 % 256, n * 53 % 256))
    return library.add_image(data, user=user, name="picture.jpg", **words)


def without_claims(article: Article) -> Article:
    """``article`` as a fact-checker read it and found no checkable claims."""
    from articles import workflow

    return workflow.record_no_claims(article, user=fact_checker())
