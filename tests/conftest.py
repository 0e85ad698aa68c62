import pytest

from articles.roles import setup_roles


@pytest.fixture
def roles(db):
    """The Reporters, Fact-checkers and Publishers groups."""
    return setup_roles()
