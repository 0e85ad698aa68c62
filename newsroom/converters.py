"""Path converters of the site's addresses."""

from .ids import is_id


class IdConverter:
    """
    A row's id: digits without a leading zero, no larger than the largest id
    the databases store (``newsroom.ids``). A larger number is no address
    here (404), never an overflow in the database (500).
    """

    regex = "[1-9][0-9]{0,18}"

    def to_python(self, value: str) -> int:
        if not is_id(value):
            raise ValueError(f"{value} is not an id")  # the URL does not match
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
