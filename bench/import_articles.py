"""
Benchmark: import 2,000 plain-text articles of about 800 words each.

    .venv/bin/python bench/import_articles.py [--articles N] [--words N]

Builds a fresh SQLite database in a temporary directory (WAL, as configured
for production use), loads 112 entities with aliases (so entity linking has
real work to do), writes the articles as .txt files, and times one
``manage.py import_article`` over all of them: one transaction per file, a
revision each, entity mentions linked. Prints the time and the rate.
"""

import argparse
import os
import random
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
developers platform service search engine
"""


def entity_specs() -> list[dict]:
    specs = [
        {"name": name, "aliases": aliases}
        for name, aliases in (
            ("OpenAI", ""),
            ("Microsoft", "Microsoft Corp.\nMicrosoft Corporation"),
            ("Satya Nadella", "Nadella"),
            ("The Information", ""),
            ("Azure", "Microsoft Azure"),
            ("Azure OpenAI Service", "Azure OpenAI"),
            ("ChatGPT", ""),
            ("Bing", "Microsoft Bing"),
            ("GitHub Copilot", ""),
            ("Microsoft Designer", ""),
            ("OpenAI LP", ""),
            ("OpenAI Nonprofit", ""),
        )
    ]
    for i in range(100):
        specs.append(
            {"name": f"Company{i} Holdings", "aliases": f"Company{i}\nCo{i} Group"}
        )
    return specs


def article_text(n: int, words: int, names: list[str], rng: random.Random) -> str:
    vocabulary = VOCABULARY.split()
    paragraphs, count = [], 0
    while count < words:
        sentence_words = []
        for _ in range(rng.randint(50, 90)):
            if rng.random() < 0.03:
                sentence_words.append(rng.choice(names))
            else:
                sentence_words.append(rng.choice(vocabulary))
        count += len(sentence_words)
        paragraphs.append(" ".join(sentence_words).capitalize() + ".")
    return f"Title: Wire story number {n}\n\n" + "\n\n".join(paragraphs) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--words", type=int, default=800)
    args = parser.parse_args()

    workdir = scratch.django_on_scratch_sqlite()
    from django.core.management import call_command

    from articles.models import Article, Mention
    from entities.models import Entity

    call_command("migrate", verbosity=0)
    specs = entity_specs()
    Entity.objects.bulk_create(
        Entity(
            name=s["name"],
            slug=s["name"].lower().replace(" ", "-"),
            aliases=s["aliases"],
        )
        for s in specs
    )
    names = [s["name"] for s in specs] + [
        a for s in specs for a in s["aliases"].splitlines()
    ]
    rng = random.Random(5)
    files = workdir / "wire"
    files.mkdir()
    paths, total_words = [], 0
    for n in range(args.articles):
        text = article_text(n, args.words, names, rng)
        total_words += len(text.split())
        path = files / f"story-{n:05d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))

    with open(os.devnull, "w") as devnull:
        started, cpu = time.perf_counter(), time.process_time()
        call_command("import_article", *paths, verbosity=0, stdout=devnull)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu

    imported = Article.objects.count()
    mentions = Mention.objects.count()
    print(
        f"import_article: {imported} articles of ~{total_words // args.articles} "
        f"words, {Entity.objects.count()} entities, {mentions} mentions linked: "
        f"{elapsed:.1f} s ({imported / elapsed:.0f} articles/s, {cpu:.1f} s of CPU) "
        "on SQLite"
    )
    # How fast this machine runs Python, to compare figures across machines.
    loop = min(timeit.repeat("sum(range(100_000))", number=20, repeat=5)) / 20
    print(f"(this machine: sum(range(100_000)) takes {loop * 1000:.2f} ms)")
    print(f"(database and files left in {workdir})")


if __name__ == "__main__":
    main()
