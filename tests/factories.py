"""Test data factories."""

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
