"""
A middleware for the servers tests start (tests/freshness_settings.py): the
number of queries the request made on its own connection, in the response's
X-Test-Queries header, so a test can count the queries of a page served by
another process. The listener's reads, on its own connection, are not
counted: they are not the request's.
"""

from django.db import connection


class CountQueries:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response["X-Test-Queries"] = str(count)
        return response
