import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from articles.roles import setup_roles


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory):
    """Collect static files once, as production does (hashed, compressed)."""
    django_settings.STATIC_ROOT = tmp_path_factory.mktemp("staticfiles")
    call_command("collectstatic", interactive=False, verbosity=0)
    return django_settings.STATIC_ROOT


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The default hasher is slow by design; tests need no protection.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def roles(db):
    """The Reporters, Fact-checkers and Publishers groups."""
    return setup_roles()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with empty caches, as its database starts empty."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()
    yield
    for cache in caches.all(initialized_only=True):
        cache.clear()
