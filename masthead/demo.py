"""
The demo newsroom's profile (``manage.py load_demo``): what it is, how it
checks, how it corrects, its team (the demo accounts), who owns and funds it.
All of it true of the demo: it is sample data, owned and funded by no one.
"""

import re

from . import workflow
from .models import Masthead, TeamMember

ABOUT = """\
This is the demonstration newsroom of the newsroom software. It fact-checks
one real news report, on the partnership between OpenAI and Microsoft
announced in January 2023, to show how a checked story is written, checked,
published and corrected. Its staff are the demo accounts, and it publishes
nothing else.
"""

PRINCIPLES = """\
- **Every claim we mark is checked** against the evidence we cite, and the
  evidence is linked, so readers can check it too.
- **Who marks a claim does not rate it**: a second person checks it.
- **We do not say in our own voice what we rated false or misleading**: such
  a story cannot be published until the claim is rewritten or attributed.
- **Every change is on the record**: each published version is kept, with
  what changed from the one before.
"""

METHODOLOGY = """\
1. **Choosing the claims.** The reporter marks each statement of fact in the
   story, and says who made it: a company, a person, or the newsroom itself.
2. **Finding the evidence.** For each claim we look for where it first
   appeared and for sources that support it, contradict it or put it in
   context, preferring the primary ones (a company's own announcement, a
   filing) and keeping an archived copy of each.
3. **Rating.** A fact-checker other than the reporter reads the evidence,
   rates the claim on the scale above and writes why. Every rating from
   accurate to false cites at least one source.
4. **Publishing.** A publisher can publish the story only when every claim
   is rated, and the rating still matches the quote and the sources it was
   given for: a change to either sends the claim back to the fact-checker.
"""

CORRECTIONS_POLICY = """\
When we get something wrong, we correct the story and say so at its end,
with the date and what changed; the correction is listed on this page. A
clarification adds what a reader needs to understand a passage; an update
adds news that came after publication. A new version that changes a rating
readers have seen cannot be published without a note that explains it.
Every earlier version stays readable in the story's version history.
"""

OWNERSHIP = """\
The demonstration newsroom has no owner: it is sample data that ships with
the software, and whoever runs this copy of it decides what it publishes.
"""

FUNDING = """\
It has no income and no funders. A real newsroom lists here each source of
its money, how much and what for, as the code of principles of the
International Fact-Checking Network asks of the fact-checkers who sign it.
"""

CONTACT = "corrections@example.org"


def unwrapped(text: str) -> str:
    """``text`` with each paragraph and list item on one line, as editors type it."""
    return re.sub(r"\n(?!\n|- |\d+\. )\s*", " ", text.strip())


def load_profile(*, user, team) -> bool:
    """
    Write the demo's profile, with ``team`` (pairs of a user and their role),
    unless a profile is there already; whether it was written.
    """
    if Masthead.objects.exists():
        return False
    workflow.save_item(
        Masthead(
            about=unwrapped(ABOUT),
            principles=unwrapped(PRINCIPLES),
            methodology=unwrapped(METHODOLOGY),
            corrections_policy=unwrapped(CORRECTIONS_POLICY),
            ownership=unwrapped(OWNERSHIP),
            funding=unwrapped(FUNDING),
            contact_email=CONTACT,
        ),
        user=user,
        comment="The demo newsroom's profile",
    )
    for position, (member, role, bio) in enumerate(team):
        workflow.save_item(
            TeamMember(
                name=member.get_full_name() or member.username,
                role=role,
                bio=bio,
                position=position,
            ),
            user=user,
        )
    return True
