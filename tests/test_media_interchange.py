"""Images and media claims in the JSON interchange document (issue 18)."""

import base64
import copy
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from articles.interchange import DocumentError, export_article, import_document
from articles.models import Article, Claim
from media.models import Image
from tests.factories import ArticleFactory, ClaimFactory, image_file, library_image
from tests.test_interchange import as_draft, flush_and_recreate_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def illustrated(people):
    """An article with a lead image, a placed image, and claims around them."""
    lead = library_image(people["reporter"], alt="The quay", credit="Photo: A")
    placed = library_image(people["reporter"], alt="A chart", caption="Chart")
    body = (
        f"Ferries ran late.\n\n![Crossings](image:{placed.pk})\n\n"
        "Passengers waited for hours, the port said."
    )
    article = ArticleFactory(body=body, lead_image=lead)
    ClaimFactory(article=article, quote="Passengers waited for hours")
    Claim.objects.create(
        article=article,
        quote="",
        statement="The photo shows the quay this week.",
        media_type="image",
        media_image=lead,
        media_appeared_url="https://social.example/p/1",
        media_platform="Social",
    )
    return article, lead, placed


def test_the_document_carries_the_images_and_places_them_by_key(illustrated):
    article, lead, placed = illustrated
    doc = export_article(article)
    keys = {image["key"]: image for image in doc["images"]}
    assert set(keys) == {f"img-{lead.sha256[:16]}", f"img-{placed.sha256[:16]}"}
    assert doc["article"]["lead_image"] == f"img-{lead.sha256[:16]}"
    assert f"(image:img-{placed.sha256[:16]})" in doc["article"]["body"]
    entry = keys[f"img-{lead.sha256[:16]}"]
    assert (entry["alt"], entry["credit"], entry["sha256"]) == (
        "The quay",
        "Photo: A",
        lead.sha256,
    )
    with lead.file.open("rb") as handle:
        assert base64.b64decode(entry["data"]) == handle.read()
    # Offsets count in the document's body.
    for claim in doc["claims"]:
        body = doc["article"]["body"]
        assert body[claim["start"] : claim["end"]] == claim["quote"]
    media = next(c["media"] for c in doc["claims"] if c["media"])
    assert media["image"] == f"img-{lead.sha256[:16]}"
    assert media["appeared_url"] == "https://social.example/p/1"


def test_round_trip_into_an_empty_database(people, illustrated):
    article, lead, placed = illustrated
    doc = export_article(article)
    flush_and_recreate_users(["rita", "frank", "fiona", "paula", "importer"])
    assert not Image.objects.exists()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="importer")
    result = import_document(copy.deepcopy(doc), user=user)
    assert result.images_added == 2
    imported = Article.objects.get(pk=result.article.pk)
    assert imported.lead_image.sha256 == lead.sha256
    # The body names the library's numbers again, the claims moved with it.
    new_placed = Image.objects.get(sha256=placed.sha256)
    assert f"(image:{new_placed.pk})" in imported.body
    for claim in imported.claims.exclude(quote=""):
        assert imported.body[claim.start : claim.end] == claim.quote
    assert export_article(imported) == as_draft(doc)


def test_an_import_reuses_an_image_the_library_has(people, illustrated):
    article, lead, placed = illustrated
    doc = export_article(article)
    doc["article"]["slug"] = "a-copy"
    result = import_document(doc, user=people["publisher"])
    assert result.images_added == 0 and Image.objects.count() == 2
    assert Article.objects.get(slug="a-copy").lead_image == lead


def test_a_long_number_in_the_body_moves_the_claims_after_it(people):
    images = [library_image(people["reporter"]) for _ in range(3)]
    body = f"![](image:{images[2].pk})\n\nThe port said passengers waited."
    article = ArticleFactory(body=body)
    ClaimFactory(article=article, quote="passengers waited")
    doc = export_article(article)
    flush_and_recreate_users(["rita", "frank", "fiona", "paula", "importer"])
    # Nine images first, so the imported one gets a two-digit number.
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="importer")
    for n in range(9):
        library_image(user, data=image_file(size=(20 + n, 20)))
    result = import_document(doc, user=user)
    claim = result.article.claims.get()
    assert result.article.body[claim.start : claim.end] == "passengers waited"
    assert claim.prefix.endswith("The port said ")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["images"][0].update(data="bm90IGFuIGltYWdl"),
            "images[0]: this is not a JPEG",
        ),
        (
            lambda d: d["images"][0].update(data="!!!"),
            "images[0].data is not valid base64",
        ),
        (
            lambda d: d["images"][0].update(sha256="0" * 64),
            "images[0].sha256 does not match its file",
        ),
        (
            lambda d: d["article"].update(lead_image="img-nope"),
            "article.lead_image 'img-nope' is not the key of any of its images",
        ),
        (
            lambda d: (
                d["images"][0].pop("data"),
                d["images"][0].update(url="/etc/passwd"),
            ),
            "only a file beside the document is read",
        ),
        (
            lambda d: (
                d["images"][0].pop("data"),
                d["images"][0].update(url="../x.jpg"),
            ),
            "cannot be read",
        ),
    ],
)
def test_a_bad_image_is_refused_with_its_place_and_nothing_is_written(
    people, illustrated, tmp_path, change, message
):
    article, *_ = illustrated
    doc = export_article(article)
    doc["article"]["slug"] = "not-written"
    change(doc)
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))
    images = Image.objects.count()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_article", str(path), "--user", "paula", stderr=err)
    assert message in err.getvalue()
    assert not Article.objects.filter(slug="not-written").exists()
    assert Image.objects.count() == images


def test_a_user_who_may_not_add_images_imports_none(people, illustrated):
    from django.contrib.auth.models import Permission

    article, *_ = illustrated
    doc = export_article(article)
    doc["images"][0]["data"] = base64.b64encode(image_file(size=(33, 33))).decode()
    doc["images"][0].pop("sha256")
    doc["article"]["slug"] = "no-images"
    reporter = people["reporter"]
    group = reporter.groups.get()
    group.permissions.remove(Permission.objects.get(codename="add_image"))
    reporter = type(reporter).objects.get(pk=reporter.pk)
    with pytest.raises(DocumentError) as refused:
        import_document(doc, user=reporter)
    assert "images[0]: You may not add images" in str(refused.value)


def test_export_to_a_folder_and_a_zip_and_back(people, illustrated, tmp_path):
    article, lead, placed = illustrated
    folder = tmp_path / "export"
    call_command("export_article", article.slug, "--output", f"{folder}/")
    doc = json.loads((folder / "article.json").read_text())
    for entry in doc["images"]:
        assert "data" not in entry
        assert (folder / entry["url"]).read_bytes()
    archive = tmp_path / "export.zip"
    call_command("export_article", article.slug, "--zip", str(archive))
    with zipfile.ZipFile(archive) as opened:
        names = set(opened.namelist())
    assert names == {"article.json", *(e["url"] for e in doc["images"])}
    flush_and_recreate_users(["rita", "frank", "fiona", "paula", "importer"])
    out = io.StringIO()
    call_command("import_article", str(folder), "--user", "importer", stdout=out)
    assert out.getvalue().split() == [article.slug]
    assert Image.objects.count() == 2
    out = io.StringIO()
    call_command(
        "import_article",
        str(archive),
        "--user",
        "importer",
        "--slug",
        "from-zip",
        stdout=out,
    )
    assert out.getvalue().split() == ["from-zip"]
    assert Image.objects.count() == 2  # the same pictures, reused
    imported = Article.objects.get(slug="from-zip")
    assert imported.lead_image.sha256 == lead.sha256


def test_documents_with_images_validate_against_the_schema(illustrated, tmp_path):
    import jsonschema

    from tests.test_interchange import SCHEMA_PATH

    schema = json.loads(SCHEMA_PATH.read_text())
    article, *_ = illustrated
    jsonschema.validate(export_article(article), schema)
    jsonschema.validate(export_article(article, inline_images=False), schema)


def test_a_media_address_that_is_not_http_is_refused(people, illustrated):
    article, *_ = illustrated
    doc = export_article(article)
    doc["article"]["slug"] = "bad-address"
    media = next(c["media"] for c in doc["claims"] if c["media"])
    media["appeared_url"] = "javascript:alert(1)"
    with pytest.raises(DocumentError) as refused:
        import_document(doc, user=people["publisher"])
    assert "media.appeared_url Enter an http:// or https:// address." in str(
        refused.value
    )
