"""
Benchmark: re-anchor every claim of a 20,000-word article with 300 claims.

    .venv/bin/python bench/reanchor_bench.py [--words N] [--claims N] [--repeat N]

Builds an article of about 20,000 words (paragraphs of sentences drawn from a
news vocabulary, each sentence different) and tags 300 claims on it, spread
through the text, one sentence or part of one each. Then makes the edits an
editor makes in one save: a paragraph inserted at the top, one claim's
sentence reworded, one paragraph with a claim deleted, a sentence added in
the middle. Every claim is then found again:

- with the old body, as an admin save does (``anchoring.anchor_all`` with
  ``old_body``: one word diff for all the claims);
- without it, as ``reanchor_claims`` does after a bulk edit (each quote
  searched for with its context);

and end to end, in a fresh SQLite database: ``editing.reanchor_claims``
writing the 300 claims, inside a revision, both ways. Prints the best and
the median of the repeats, and checks the outcome (every untouched claim
anchored at its new place, the reworded one changed, the deleted one
orphaned).
"""

import argparse
import random
import statistics
import sys
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import scratch  # noqa: E402 - after the project is on the path

VOCABULARY = """
the of and to in a is that for on with as was said by it from at have be this
are which has an their its will but not more year after new also company
market investment partnership research model cloud computing revenue quarter
analysts report billion million percent growth plan deal announced according
people familiar matter statement executive chief technology products customers
developers platform service search engine regulators court ruling shares
investors quarterly earnings forecast profit loss data centre chips supply
contract agreement board members chairman officials government policy
"""
NAMES = (
    "OpenAI",
    "Microsoft",
    "Satya Nadella",
    "The Information",
    "Azure",
    "ChatGPT",
    "Bing",
    "GitHub Copilot",
)


def build_body(words: int, rng: random.Random) -> tuple[str, list[tuple[int, int]]]:
    """The body, and the offsets of each of its sentences."""
    vocabulary = VOCABULARY.split()
    paragraphs, sentences, count, position = [], [], 0, 0
    while count < words:
        paragraph = []
        for _ in range(rng.randint(3, 6)):
            picked = [
                rng.choice(NAMES) if rng.random() < 0.05 else rng.choice(vocabulary)
                for _ in range(rng.randint(12, 28))
            ]
            count += len(picked)
            sentence = " ".join(picked).capitalize() + "."
            start = position + sum(len(s) + 1 for s in paragraph)
            sentences.append((start, start + len(sentence)))
            paragraph.append(sentence)
        text = " ".join(paragraph)
        paragraphs.append(text)
        position += len(text) + 2
    return "\n\n".join(paragraphs), sentences


def pick_claims(body, sentences, count, rng):
    """``count`` claims spread through the text: a sentence, or its start."""
    step = len(sentences) / count
    claims = []
    for n in range(count):
        start, end = sentences[int(n * step)]
        if rng.random() < 0.3:  # part of a sentence
            end = body.rindex(" ", start, start + (end - start) // 2 + 1)
        claims.append((start, end))
    return claims


def edit(body: str, claims):
    """One save's edits; returns the new body and what each claim became."""
    from articles import anchoring

    reworded = claims[150]
    deleted_paragraph = body.rfind("\n\n", 0, claims[220][0]) + 2
    deleted_end = body.index("\n\n", claims[220][0])
    gone = {
        i
        for i, (s, e) in enumerate(claims)
        if deleted_paragraph <= s and e <= deleted_end
    }
    old_quote = body[reworded[0] : reworded[1]]
    words = old_quote.split(" ")
    words[len(words) // 2] = "reportedly"
    new_quote = " ".join(words)
    added = claims[100][0]
    new = (
        body[:added]
        + "A new sentence the editor added. "
        + body[added : reworded[0]]
        + new_quote
        + body[reworded[1] : deleted_paragraph]
        + body[deleted_end + 2 :]
    )
    top = "Editor’s note: this article was updated with the companies’ statements.\n\n"
    new = top + new
    expected = {}
    for i in range(len(claims)):
        if i in gone:
            expected[i] = "orphaned"
        elif i == 150:
            expected[i] = "changed"
        else:
            expected[i] = "anchored"
    selectors = [anchoring.select(body, s, e) for s, e in claims]
    assert new_quote in new and old_quote not in new
    return new, selectors, expected


def time_it(function, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def check(results, selectors, expected, new_body):
    for i, result in enumerate(results):
        assert result.state == expected[i], (i, result, selectors[i])
        if result.state == "anchored":
            assert result.selector.quote == selectors[i].quote
            assert new_body[result.selector.start : result.selector.end] == (
                selectors[i].quote
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--words", type=int, default=20_000)
    parser.add_argument("--claims", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    scratch.django_on_scratch_sqlite()
    import reversion
    from django.core.management import call_command
    from django.db import transaction

    from articles import anchoring, editing
    from articles.models import Article, Claim

    rng = random.Random(7)
    body, sentences = build_body(args.words, rng)
    claims = pick_claims(body, sentences, args.claims, rng)
    new_body, selectors, expected = edit(body, claims)
    print(
        f"article: {len(body.split()):,} words, {len(body):,} characters, "
        f"{len(claims)} claims; edit: paragraph on top, 1 claim reworded, "
        f"1 paragraph with {list(expected.values()).count('orphaned')} claim(s) "
        "deleted, a sentence added"
    )

    with_old = lambda: anchoring.anchor_all(new_body, selectors, old_body=body)  # noqa: E731
    without = lambda: anchoring.anchor_all(new_body, selectors)  # noqa: E731
    check(with_old(), selectors, expected, new_body)
    check(without(), selectors, expected, new_body)
    rows = [
        ("anchoring, with the old body (admin save)", *time_it(with_old, args.repeat)),
        ("anchoring, without it (reanchor_claims)", *time_it(without, args.repeat)),
    ]

    call_command("migrate", verbosity=0)

    def end_to_end(old_body):
        def run():
            with transaction.atomic():
                article = Article.objects.create(
                    title="Benchmark", slug="benchmark", body=body
                )
                Claim.objects.bulk_create(
                    Claim(
                        article=article,
                        quote=s.quote,
                        prefix=s.prefix,
                        suffix=s.suffix,
                        start=s.start,
                        end=s.end,
                    )
                    for s in selectors
                )
                article.body = new_body
                article.save()
                started = time.perf_counter()
                with reversion.create_revision():
                    report = editing.reanchor_claims(
                        article, old_body=body if old_body else None
                    )
                    reversion.add_to_revision(article)
                elapsed = time.perf_counter() - started
                assert len(report.orphaned) == list(expected.values()).count("orphaned")
                assert len(report.changed) == 1
                transaction.set_rollback(True)
            return elapsed

        times = [run() for _ in range(args.repeat)]
        return min(times), statistics.median(times)

    rows.append(("end to end with the database, old body", *end_to_end(True)))
    rows.append(("end to end with the database, no old body", *end_to_end(False)))

    width = max(len(label) for label, *_ in rows)
    print(f"{'':{width}}  {'best':>8}  {'median':>8}")
    for label, best, median in rows:
        print(f"{label:{width}}  {best * 1000:6.1f} ms  {median * 1000:6.1f} ms")
    loop = min(timeit.repeat("sum(range(100_000))", number=20, repeat=5)) / 20
    print(f"(this machine: sum(range(100_000)) takes {loop * 1000:.2f} ms)")


if __name__ == "__main__":
    main()
