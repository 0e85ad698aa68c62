"""
The source archive's buttons on a source's change form: "Capture again" and
"Confirm the move". Each goes through ``sources.workflow``'s rule and its
``check_*`` twin, which also decides whether the button is shown.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST

from entities.models import Source
from newsroom.ids import is_id

from . import workflow
from .models import SourceState, Watch


class SourceArchiveMixin:
    """The archive panel of a source's change form, and its two buttons."""

    def archive_urls(self) -> list:
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/capture/",
                view(require_POST(self.capture_view)),
                name=f"{info[0]}_{info[1]}_capture",
            ),
            path(
                "<path:object_id>/confirm-move/",
                view(require_POST(self.confirm_move_view)),
                name=f"{info[0]}_{info[1]}_confirm_move",
            ),
        ]

    def _source_or_404(self, request, object_id) -> Source:
        pk = unquote(object_id)
        source = self.get_object(request, pk) if is_id(pk) else None
        if source is None:
            raise Http404("No such source.")
        return source

    def capture_view(self, request, object_id):
        """Have the worker capture the source again (sources.workflow)."""
        source = self._source_or_404(request, object_id)
        try:
            workflow.request_capture(source, user=request.user)
        except PermissionDenied as error:
            self.message_user(request, f"Not captured: {error}", messages.ERROR)
        else:
            self.message_user(
                request,
                "The background worker will capture it in a moment: reload this "
                "page to see the new capture (or the failure, with its reason) "
                "in the lists below.",
                messages.SUCCESS,
            )
        return redirect("admin:entities_source_change", source.pk)

    def confirm_move_view(self, request, object_id):
        """Point the source at the address it moved to (sources.workflow)."""
        source = self._source_or_404(request, object_id)
        try:
            # The rule decides, and says every reason when it refuses.
            source = workflow.confirm_move(source, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, f"Not moved: {message}", messages.ERROR)
        else:
            self.message_user(
                request,
                f"Its address is now {source.url} (a revision records the old "
                "one). The worker captures the new address in a moment; the "
                "fact-checks show it when their articles are next published.",
                messages.SUCCESS,
            )
        return redirect("admin:entities_source_change", source.pk)

    def archive_context(self, request, source: Source) -> dict:
        user = request.user
        watch = Watch.objects.filter(source=source).first()
        moved = watch is not None and watch.state == SourceState.MOVED
        return {
            "watch": watch,
            "capture": {"reasons": workflow.check_capture(source, user=user)},
            "upload": {"reasons": workflow.check_upload(source, user=user)},
            "move": {
                "shown": moved,
                "to": watch.moved_to if moved else "",
                "reasons": workflow.check_confirm_move(source, user=user)
                if moved
                else [],
            },
        }
