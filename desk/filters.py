"""The desk's filters of the article and claim lists: mine, overdue, waiting."""

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from articles.models import Article, Claim


class AssignedFilter(admin.SimpleListFilter):
    title = "assigned"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return (("me", "To me"), ("nobody", "To nobody"))

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.assigned_to(request.user)
        if self.value() == "nobody":
            if queryset.model is Claim:
                return queryset.filter(assignee__isnull=True, article__checker=None)
            return queryset.filter(editor=None, reporter=None, checker=None)
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return (("overdue", "Overdue"), ("set", "Has a due time"))

    def queryset(self, request, queryset):
        articles = Article.objects.overdue(timezone.now())
        if self.value() == "overdue":
            if queryset.model is Claim:
                return queryset.filter(article__in=articles)
            return queryset.filter(pk__in=articles.values("pk"))
        if self.value() == "set":
            field = "article__due_at" if queryset.model is Claim else "due_at"
            return queryset.filter(**{f"{field}__isnull": False})
        return queryset


class MineFilter(admin.SimpleListFilter):
    title = "written by"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return (("yes", "Me"),)

    def queryset(self, request, queryset):
        if self.value() == "yes":
            user = request.user
            return queryset.filter(Q(authors=user) | Q(reporter=user)).distinct()
        return queryset


class WaitingFilter(admin.SimpleListFilter):
    title = "check"
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return (("yes", "Waiting for a check"), ("stale", "Stale ratings"))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(
                pk__in=Claim.objects.waiting_for_check().values("pk")
            )
        if self.value() == "stale":
            return queryset.filter(stale=True)
        return queryset
