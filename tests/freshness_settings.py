"""
The project's settings for a server that tests/test_freshness.py starts: the
static files the test session collected (their manifest names the files a
page links to), and each response saying how many queries it made.
"""

import os

from newsroom.settings import *  # noqa: F403
from newsroom.settings import MIDDLEWARE

STATIC_ROOT = os.environ["NEWSROOM_TEST_STATIC_ROOT"]
MIDDLEWARE = ["tests.query_count.CountQueries", *MIDDLEWARE]
