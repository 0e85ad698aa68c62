"""
The rating scale as readers are told it: one definition per rating.

The methodology page, the labels beside claims and the fact-check panels all
read these, and the values, labels and ClaimReview figures come from the
model's own choices (DESIGN §4), so what the newsroom says about its scale is
what the code does with it.
"""

from dataclasses import dataclass

from .models import RATING_VALUES, RATINGS_NEEDING_CITATIONS, Rating
from .structured_data import REVIEWED_RATINGS


@dataclass(frozen=True)
class RatingDefinition:
    value: str
    label: str
    short_label: str  # beside a claim in the text
    meaning: str  # for readers
    rating_value: int | None  # ClaimReview's ratingValue (best 5, worst 1)
    needs_citations: bool
    claimreview: bool  # published as ClaimReview markup

    @property
    def published_as(self) -> str:
        """What the ClaimReview markup says of a claim with this rating, in words."""
        if self.rating_value is not None:
            return f"{self.rating_value} out of 5"
        if self.claimreview:
            return "its name only, without a number"
        return "not published as a fact-check"


_WORDS = {
    Rating.UNRATED: (
        "Not checked",
        "We have marked the claim but not finished checking it. No article is "
        "published while one of its claims is still unchecked.",
    ),
    Rating.ACCURATE: (
        "Accurate",
        "The claim is correct and leaves out nothing that matters: the evidence "
        "we cite supports it.",
    ),
    Rating.MOSTLY_ACCURATE: (
        "Mostly accurate",
        "The claim is right in substance, but a detail is wrong or it needs a "
        "small clarification, which the explanation gives.",
    ),
    Rating.NEEDS_CONTEXT: (
        "Needs context",
        "The claim is accurate as far as it goes, but without context that it "
        "leaves out a reader would take it the wrong way.",
    ),
    Rating.MISLEADING: (
        "Misleading",
        "The claim holds some truth but is put in a way that leads readers to a "
        "wrong conclusion.",
    ),
    Rating.FALSE: (
        "False",
        "The claim is wrong: the evidence we cite contradicts it.",
    ),
    Rating.UNSUPPORTED: (
        "Unsupported",
        "We found no evidence either way, and whoever made the claim has not "
        "backed it up. It may be true; nobody has shown that it is.",
    ),
    Rating.OPINION: (
        "Opinion",
        "A view, a judgement or a forecast, not a statement of fact that "
        "evidence can settle. We say so instead of rating it.",
    ),
}

SCALE: tuple[RatingDefinition, ...] = tuple(
    RatingDefinition(
        value=rating.value,
        label=rating.label,
        short_label=_WORDS[rating][0],
        meaning=_WORDS[rating][1],
        rating_value=RATING_VALUES.get(rating),
        needs_citations=rating in RATINGS_NEEDING_CITATIONS,
        claimreview=rating in REVIEWED_RATINGS,
    )
    for rating in Rating
)
_BY_VALUE = {definition.value: definition for definition in SCALE}


def definition(value: str) -> RatingDefinition:
    """The definition of the rating ``value`` (unrated for an unknown value)."""
    return _BY_VALUE.get(value, _BY_VALUE[Rating.UNRATED])
