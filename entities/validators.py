"""Field validators shared by the entity and article models."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

validate_http_url = URLValidator(
    schemes=["http", "https"], message="Enter an http:// or https:// address."
)


def validate_wikidata_id(value: str) -> None:
    if value and not re.fullmatch(r"Q[1-9][0-9]*", value):
        raise ValidationError(
            "A Wikidata ID is Q followed by digits, for example Q2283.",
            code="invalid_wikidata_id",
        )
