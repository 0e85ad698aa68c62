"""RSS 2.0 feed of the corrections readers can see, newest first."""

from django.conf import settings
from django.urls import reverse

from articles.feeds import SiteFeed
from newsroom.addresses import absolute_url as absolute

from .views import history_url, live_corrections

FEED_LENGTH = 30


class CorrectionsFeed(SiteFeed):
    """Addresses from SITE_URL, text escaped (``SiteFeed``), newest first."""

    description_template = None

    def title(self):
        return f"{settings.NEWSROOM_NAME}: corrections"

    def link(self):
        return absolute(reverse("masthead:corrections"))

    def feed_url(self):
        return absolute(reverse("masthead:corrections-feed"))

    def description(self):
        return (
            f"Every correction, clarification and update {settings.NEWSROOM_NAME} "
            "publishes, newest first."
        )

    def items(self):
        return live_corrections()[:FEED_LENGTH]

    def item_title(self, item):
        return f"{item.get_kind_display()}: {item.version.title}"

    def item_description(self, item):
        return item.text  # plain text: SiteFeed escapes it

    def item_link(self, item):
        return absolute(history_url(item))

    def item_guid(self, item):
        return absolute(f"{reverse('masthead:corrections')}#correction-{item.pk}")

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.date
