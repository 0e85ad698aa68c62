"""The admin's forms of entities and sources."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html

from .models import Source


class SourceForm(forms.ModelForm):
    """A source's form that offers the existing source for an address it has."""

    # The claim the source is added for ("Add a source and cite it" on a
    # claim's row): an address already in the library offers to cite that
    # source for it instead.
    cite_claim = None

    class Meta:
        model = Source
        fields = (
            "title",
            "kind",
            "publisher",
            "authors",
            "published_on",
            "url",
            "archive_url",
            "notes",
        )

    def clean_url(self):
        url = self.cleaned_data["url"]
        existing = Source.objects.with_url(url).exclude(pk=self.instance.pk).first()
        if existing is not None:
            link = reverse("admin:entities_source_change", args=[existing.pk])
            if self.cite_claim is not None:
                raise forms.ValidationError(
                    format_html(
                        "This address is already in the library as "
                        '<a href="{}">{}</a>. '
                        '<button type="submit" name="cite_existing" value="{}" '
                        'class="button">Cite it for claim {} instead</button>',
                        link,
                        existing.title,
                        existing.pk,
                        self.cite_claim,
                    ),
                    code="duplicate_url",
                )
            raise forms.ValidationError(
                format_html(
                    "This address is already in the library as "
                    '<a href="{}">{}</a>. Cite that source instead; if both are '
                    "the same document, merge them with the sources list's "
                    "“Merge” action.",
                    link,
                    existing.title,
                ),
                code="duplicate_url",
            )
        return url
