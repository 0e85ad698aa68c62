"""Ids from outside (URLs, forms, files): whether a value can name a row."""

# The largest id a database integer column holds: a bigger one names nothing,
# and handed to the database it is an error, not an empty result.
MAX_ID = 2**63 - 1


def is_id(value) -> bool:
    """Whether ``value`` can be a database id (a positive 64-bit integer)."""
    text = str(value)
    if not text.isdecimal() or len(text) > 19:
        return False
    return 0 < int(text) <= MAX_ID
