"""
The media library in the admin: upload, describe, search and filter images,
and see where each is used. Every change goes through ``media.library``.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from newsroom.admin_base import GuardedVersionAdmin

from . import library, usage
from .figures import media_url
from .models import Image, ImageFormat, Rendition
from .renditions import formats_for, widths_for
from .validation import accepted_names, check_size, check_upload


class ImageForm(forms.ModelForm):
    """An image's words, and the file: required to add, optional to replace."""

    upload = forms.FileField(
        label="Image file",
        required=False,
        help_text="",  # set in __init__: the formats and the limits
    )

    class Meta:
        model = Image
        fields = ("title", "alt", "decorative", "caption", "credit", "licence")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_mb = settings.NEWSROOM_UPLOAD_MAX_BYTES / 2**20
        pixels = settings.NEWSROOM_UPLOAD_MAX_PIXELS
        adding = self.instance.pk is None
        self.fields["upload"].required = adding
        self.fields["upload"].widget.attrs["accept"] = "image/*"
        self.fields["upload"].label = "Image file" if adding else "Replace the file"
        self.fields["upload"].help_text = (
            f"{accepted_names()}; up to {limit_mb:g} MB and {pixels:,} pixels. "
            "Location data and other metadata are removed; the picture is "
            "turned upright."
            + (
                ""
                if adding
                else " Published versions keep showing the file they were "
                "published with until the article is published again."
            )
        )
        self.checked = None

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return upload
        try:
            check_size(upload.size, name=upload.name)
            data = b"".join(upload.chunks())
            checked = check_upload(data, name=upload.name)
        except ValidationError as error:
            raise forms.ValidationError(error.messages, code=error.code) from None
        # Asked here, not left to the rule at save time: a refusal there
        # would come after the form validated, as an error page.
        replacing = self.instance if self.instance.pk is not None else None
        if reasons := library.check_new_file(
            checked, name=upload.name, image=replacing
        ):
            existing = library.same_picture(checked, image=replacing)
            if existing is not None:
                link = format_html(
                    ' <a href="{}">Open #{}</a>.',
                    reverse("admin:media_image_change", args=[existing.pk]),
                    existing.pk,
                )
                reasons = [format_html("{}{}", reason, link) for reason in reasons]
            raise forms.ValidationError(reasons, code="duplicate")
        self.checked = checked
        return upload


class UsedFilter(admin.SimpleListFilter):
    title = "use"
    parameter_name = "used"

    def lookups(self, request, model_admin):
        return (("yes", "Used somewhere"), ("no", "Not used anywhere"))

    def queryset(self, request, queryset):
        used = Image.objects.filter(usage.used_filter()).values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=used)
        if self.value() == "no":
            return queryset.exclude(pk__in=used)
        return queryset


class AltFilter(admin.SimpleListFilter):
    title = "alt text"
    parameter_name = "alt"

    def lookups(self, request, model_admin):
        return (
            ("missing", "Missing (blocks publishing)"),
            ("written", "Written"),
            ("decorative", "Decorative"),
        )

    def queryset(self, request, queryset):
        missing = Q(alt="", decorative=False)
        if self.value() == "missing":
            return queryset.filter(missing)
        if self.value() == "written":
            return queryset.exclude(alt="")
        if self.value() == "decorative":
            return queryset.filter(decorative=True)
        return queryset


@admin.register(Image)
class ImageAdmin(GuardedVersionAdmin):
    form = ImageForm
    list_display = (
        "thumbnail",
        "__str__",
        "credit",
        "licence",
        "size",
        "alt_status",
        "created_at",
    )
    list_display_links = ("thumbnail", "__str__")
    list_filter = (AltFilter, UsedFilter, "format", "decorative", "created_at")
    search_fields = ("title", "alt", "caption", "credit", "licence", "original_name")
    date_hierarchy = "created_at"
    list_per_page = 50
    readonly_fields = ("preview", "file_details", "renditions", "used_in")
    # A deleted image's files go with it: there is nothing to recover.
    change_list_template = None
    fieldsets = (
        (None, {"fields": ("preview", "upload")}),
        (
            "For readers",
            {
                "fields": ("alt", "decorative", "caption", "credit", "licence"),
                "description": "Every image on a published page needs alt text "
                "(or is marked decorative), and a credit.",
            },
        ),
        ("For the library", {"fields": ("title", "source_url")}),
        ("The file", {"fields": ("file_details", "renditions", "used_in")}),
    )

    class Media:
        css = {"all": ["newsroom/admin.css"]}

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["fields"] = (*ImageForm.Meta.fields, "source_url")
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return (
                (None, {"fields": ("upload",)}),
                *self.fieldsets[1:3],
            )
        return self.fieldsets

    def get_queryset(self, request):
        thumb = Rendition.objects.filter(
            source_sha256=OuterRef("sha256"), format=ImageFormat.WEBP
        ).order_by("width")
        return (
            super()
            .get_queryset(request)
            .annotate(thumb=Subquery(thumb.values("file")[:1]))
        )

    # Columns

    @admin.display(description="")
    def thumbnail(self, obj):
        name = getattr(obj, "thumb", None) or obj.file.name
        return format_html(
            '<img class="library-thumb" src="{}" alt="" width="80" loading="lazy">',
            media_url(name),
        )

    @admin.display(description="size", ordering="width")
    def size(self, obj):
        return f"{obj.width} × {obj.height}, {obj.get_format_display()}"

    @admin.display(description="alt text", boolean=True)
    def alt_status(self, obj):
        return obj.has_alt

    # The change page

    @admin.display(description="image")
    def preview(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '<img class="library-preview" src="{}" alt="{}" width="{}" height="{}">',
            media_url(obj.file.name),
            obj.alt,
            obj.width,
            obj.height,
        )

    @admin.display(description="file")
    def file_details(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        uploader = obj.uploaded_by.get_username() if obj.uploaded_by else "someone"
        return format_html(
            "{} × {} pixels, {} ({} bytes); uploaded as “{}” by {}.<br>SHA-256 {}",
            obj.width,
            obj.height,
            obj.get_format_display(),
            f"{obj.bytes:,}",
            obj.original_name,
            uploader,
            obj.sha256,
        )

    @admin.display(description="renditions")
    def renditions(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        made = Rendition.objects.filter(source_sha256=obj.sha256).count()
        wanted = len(widths_for(obj.width)) * len(formats_for(obj.format))
        if made >= wanted:
            return f"All {wanted} made (WebP and {obj.get_format_display()})."
        return (
            f"{made} of {wanted} made. The background worker makes the rest; "
            "pages show the original meanwhile."
        )

    @admin.display(description="used in")
    def used_in(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return render_to_string(
            "admin/media/image/used_in.html", {"uses": usage.uses(obj)}
        )

    # Saving and deleting: the library's rules

    def save_model(self, request, obj, form, change):
        checked = form.checked
        name = form.cleaned_data["upload"].name if checked else ""
        if not change:
            library.add_image(checked, user=request.user, name=name, image=obj)
            return
        library.save_image(
            obj, user=request.user, kept=getattr(request, "newsroom_kept_fields", None)
        )
        if checked is not None:
            library.replace_image(obj, checked, user=request.user, name=name)
            obj.refresh_from_db()
            self.message_user(
                request,
                "The file is replaced. Published versions keep showing the old "
                "one until their article is published again; a claim about this "
                "image needs a new check.",
                messages.WARNING,
            )

    def delete_model(self, request, obj):
        library.delete_image(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for image in queryset:
            library.delete_image(image, user=request.user)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and library.check_delete_image(obj, user=request.user):
            return False
        return super().has_delete_permission(request, obj)

    def recover_view(self, request, version_id, extra_context=None):
        raise PermissionDenied(
            "A deleted image's file is deleted with it: upload the picture again."
        )

    def recoverlist_view(self, request, extra_context=None):
        raise PermissionDenied(
            "A deleted image's file is deleted with it: upload the picture again."
        )

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms, protected = super().get_deleted_objects(objs, request)
        for image in objs:
            protected += library.check_delete_image(image, user=request.user)
        return deleted, counts, perms, protected
