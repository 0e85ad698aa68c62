"""RSS 2.0 feed of published articles."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse

from .models import Article
from .views import without_content


class LatestArticlesFeed(Feed):
    description_template = None

    def title(self):
        return settings.NEWSROOM_NAME

    def link(self):
        return reverse("home")

    def description(self):
        return f"The latest fact-checked stories from {settings.NEWSROOM_NAME}."

    def items(self):
        return (
            Article.objects.published()
            .select_related("live_version")
            .defer("body", *without_content("live_version"))
            .order_by("-last_published_at", "-pk")[:30]
        )

    def item_title(self, item):
        return item.live_version.title

    def item_description(self, item):
        return item.live_version.dek

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"{settings.SITE_URL}{item.get_absolute_url()}"

    item_guid_is_permalink = True

    def item_author_name(self, item):
        return item.live_version.byline or None

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at
