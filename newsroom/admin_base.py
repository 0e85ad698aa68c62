"""
Admin building blocks shared by the apps: a VersionAdmin that checks what it
is given, autocompletes and inlines that show many rows without a query per
row, and small helpers for what every admin page says.
"""

import re

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.safestring import SafeData, mark_safe
from reversion.admin import VersionAdmin
from reversion.models import Version

from entities.workflow import check_recover

from .ids import is_id


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """
    A ModelMultipleChoiceField that refuses an id no database row can have
    (a 20-digit number, say) as any unknown choice, instead of handing it to
    the database, where it is an error (a 500) rather than no match.
    """

    def _check_values(self, value):
        if (self.to_field_name or "pk") == "pk":
            for pk in value or ():
                if not is_id(pk):
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": str(pk)[:40]},
                    )
        return super()._check_values(value)


class BoundedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that refuses an impossible id as an unknown choice."""

    def to_python(self, value):
        if (
            value not in self.empty_values
            and (self.to_field_name or "pk") == "pk"
            and not hasattr(value, "_meta")
            and not is_id(value)
        ):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class SafeAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that shows no option for an impossible id (a bad POST)."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if is_id(v)], attr)


class SafeChangeList(ChangeList):
    """A change list that answers a date filter past the calendar as a bad filter."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as exc:
            # ?date__year=99999999999: Django catches ValueError, not this.
            raise IncorrectLookupParameters(exc) from exc


class SafeInputMixin:
    """
    A ModelAdmin that answers impossible input (ids no row can have, dates
    past the calendar) with a form error or Django's "bad filter" page, never
    a 500.
    """

    def get_changelist(self, request, **kwargs):
        return SafeChangeList

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", BoundedModelChoiceField)
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", BoundedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        """The add form's values from the query string, without impossible ids."""
        initial = super().get_changeform_initial_data(request)
        for field in self.model._meta.get_fields():
            if not (field.concrete and field.is_relation) or field.name not in initial:
                continue
            values = initial[field.name]
            values = values if isinstance(values, list) else [values]
            if not all(is_id(v) for v in values):
                del initial[field.name]
        return initial


# Django's messages put a record's name in quotation marks; a claim's name is
# its quote, in quotation marks already (and a headline may have them too).
_DOUBLED_QUOTES = (
    (re.compile(r"“(<a [^>]*>)“(.*?)”</a>”", re.DOTALL), r"\1“\2”</a>"),
    (re.compile(r"““(.*?)””", re.DOTALL), r"“\1”"),
)


def single_quotes(message):
    """``message`` without doubled quotation marks around a quoted name."""
    text = str(message)
    for pattern, replacement in _DOUBLED_QUOTES:
        text = pattern.sub(replacement, text)
    if text == str(message):
        return message
    # Only quotation marks were taken out of HTML that was safe.
    return mark_safe(text) if isinstance(message, SafeData) else text  # noqa: S308  # nosec B308 B703


def format_when(value) -> str:
    """A date and time as every admin page shows it."""
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "—"


def user_name(user) -> str:
    """A user as colleagues know them."""
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


class SingleQuotesMixin:
    """A ModelAdmin whose messages do not double a quoted name's quotation marks."""

    def message_user(self, request, message, *args, **kwargs):
        super().message_user(request, single_quotes(message), *args, **kwargs)


class GuardedVersionAdmin(SingleQuotesMixin, SafeInputMixin, VersionAdmin):
    """
    A VersionAdmin whose revision and recover views check what they are given.

    django-reversion looks a version up by its id alone: a version of another
    model (or of another object) would be reverted through this admin. Here a
    version must belong to this admin's model (and object), and a revision
    that also holds other models' versions (an article's claims, say) is not
    reverted from here, because reverting it would rewrite those too.

    Read-only stays read-only through a revert: django-reversion writes every
    field of the old version, so the fields this user may not change (those
    the change form shows read-only, and those no form edits) are put back as
    they are now before the form is shown and saved. Recovering a deleted
    record undoes a delete: ``entities.workflow.check_recover`` says who may.
    """

    def _content_type(self):
        return ContentType.objects.get_for_model(self.model)

    def _version_or_404(self, version_id, object_id=None) -> Version:
        if not is_id(version_id):
            raise Http404("No such revision.")
        lookup = {"pk": version_id, "content_type": self._content_type()}
        if object_id is not None:
            lookup["object_id"] = unquote(object_id)
        return get_object_or_404(Version.objects.select_related("revision"), **lookup)

    def _revision_is_self_contained(self, version: Version) -> bool:
        return not version.revision.version_set.exclude(
            content_type=self._content_type()
        ).exists()

    def _refuse_mixed_revision(self, request, object_id=None):
        self.message_user(
            request,
            "That revision also changed other records (for example an article "
            "and its claims), so it cannot be reverted from here. Restore it "
            "from the article's history instead.",
            messages.ERROR,
        )
        info = self.opts.app_label, self.opts.model_name
        if object_id is not None:
            return redirect(
                f"admin:{info[0]}_{info[1]}_history", quote(unquote(object_id))
            )
        return redirect(f"admin:{info[0]}_{info[1]}_changelist")

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = self._version_or_404(version_id, object_id)
        if not self._revision_is_self_contained(version):
            return self._refuse_mixed_revision(request, object_id)
        current = self.get_object(request, unquote(object_id))
        if current is None:
            raise Http404("No such record.")
        request.newsroom_kept_fields = self._kept_fields(request, current)
        return super().revision_view(request, object_id, version_id, extra_context)

    def _kept_fields(self, request, obj) -> dict:
        """The values a revert must not change: read-only here, or in no form."""
        readonly = set(self.get_readonly_fields(request, obj))
        return {
            field.attname: getattr(obj, field.attname)
            for field in self.model._meta.concrete_fields
            if not field.primary_key and (not field.editable or field.name in readonly)
        }

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        kept = getattr(request, "newsroom_kept_fields", None)
        if obj is not None and kept:
            for attname, value in kept.items():
                setattr(obj, attname, value)
        return obj

    def recover_view(self, request, version_id, extra_context=None):
        if reasons := check_recover(self.model, user=request.user):
            raise PermissionDenied(" ".join(reasons))
        version = self._version_or_404(version_id)
        if self.model._default_manager.filter(pk=version.object_id).exists():
            # Only deleted objects are recovered; live ones are reverted.
            raise Http404("That object was not deleted.")
        if not self._revision_is_self_contained(version):
            return self._refuse_mixed_revision(request)
        return super().recover_view(request, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        if reasons := check_recover(self.model, user=request.user):
            raise PermissionDenied(" ".join(reasons))
        return super().recoverlist_view(request, extra_context)


def related_count(related_model, field: str, **filters):
    """A correlated COUNT of ``related_model`` rows pointing at the outer row."""
    rows = (
        related_model._default_manager.filter(**{field: OuterRef("pk")}, **filters)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows[:1]), 0)


class PreloadedAutocompleteSelect(SafeAutocompleteSelect):
    """
    An autocomplete whose selected option comes from an object the form holds.

    Django's autocomplete looks its selected option up with a query per form:
    an inline of 300 claims would ask for each claimant separately. The form
    sets ``preloaded`` to the related object it already has (loaded with
    ``select_related``); anything else is looked up as usual.
    """

    preloaded = ()

    def optgroups(self, name, value, attr=None):
        selected = {
            str(v) for v in value if str(v) not in self.choices.field.empty_values
        }
        known = {str(obj.pk): obj for obj in self.preloaded}
        if not selected or not selected <= known.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for pk in sorted(selected):
            label = self.choices.field.label_from_instance(known[pk])
            options.append(
                self.create_option(name, known[pk].pk, label, True, len(options))
            )
        return [(None, options, 0)]


class PreloadedChoicesForm(forms.ModelForm):
    """
    A form whose autocompletes show the related objects its instance already
    holds (loaded with ``select_related``), so an inline of many rows makes
    no query per row to show them.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = type(self.instance)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, PreloadedAutocompleteSelect):
                continue
            if getattr(model, name).is_cached(self.instance):
                related = getattr(self.instance, name)
                widget.preloaded = () if related is None else (related,)


class ManyRowsInlineMixin(SafeInputMixin):
    """
    An inline of many rows (an article's claims, its entities, a claim's
    sources). Its autocompletes show the related object each row already
    loaded, and each row links to that object to view it or to add another,
    not to change or delete it: an entity or a source is shared by many
    articles, and is changed or deleted on its own page, where its uses are
    listed, not from one row of one article.
    """

    form = PreloadedChoicesForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget.can_change_related = widget.can_delete_related = False
        return formfield
