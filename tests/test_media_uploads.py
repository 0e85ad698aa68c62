"""
The media library's uploads (issue 18): checked by content, refused with the
rule and the numbers, nothing stored on a refusal; what is kept is upright
and carries no location.
"""

import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from PIL import Image as PILImage
from PIL import features

from media import library
from media.models import Image
from media.validation import check_upload
from tests.factories import UserFactory, image_file, library_image

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture
def staff(people):
    return people["reporter"]


def stored_files(media_root) -> list[Path]:
    return [p for p in Path(media_root).rglob("*") if p.is_file()]


def open_stored(image: Image) -> PILImage.Image:
    with image.file.open("rb") as handle:
        return PILImage.open(io.BytesIO(handle.read()))


FORMATS = [
    ("JPEG", "jpeg", {}),
    ("PNG", "png", {}),
    ("WEBP", "webp", {"quality": 80}),
    ("GIF", "png", {}),  # kept as a PNG of its first frame
]
if features.check("avif"):
    FORMATS.append(("AVIF", "avif", {}))


@pytest.mark.parametrize(("pillow", "stored", "options"), FORMATS)
def test_each_accepted_format_is_stored_with_its_size(staff, pillow, stored, options):
    data = image_file(pillow, size=(300, 200), **options)
    image = library.add_image(data, user=staff, name=f"x.{pillow.lower()}", alt="x")
    assert (image.format, image.width, image.height) == (stored, 300, 200)
    assert (
        image.file.name
        == f"images/{image.sha256[:2]}/{image.sha256}.{
            'jpg' if stored == 'jpeg' else stored
        }"
    )
    assert open_stored(image).format == stored.upper()


def test_an_animated_gif_keeps_its_first_frame(staff):
    frames = [PILImage.new("RGB", (40, 30), c) for c in ((255, 0, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], loop=0)
    image = library.add_image(out.getvalue(), user=staff, name="a.gif", alt="red")
    red, green, blue = open_stored(image).convert("RGB").getpixel((5, 5))
    assert red > 200 and blue < 50


REFUSALS = [
    (
        "an HTML page named .jpg",
        "photo.jpg",
        b"<!doctype html><html><body><script>alert(1)</script></body></html>",
        "not_an_image",
        "is not a JPEG, PNG, WebP",
    ),
    (
        "an SVG drawing",
        "chart.svg",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
        b"<script>alert(1)</script></svg>",
        "svg",
        "SVG drawings are not accepted",
    ),
    (
        "an SVG named .png",
        "chart.png",
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="9"/></svg>',
        "svg",
        "SVG drawings are not accepted",
    ),
    ("an empty file", "nothing.jpg", b"", "empty", "the file is empty"),
]


@pytest.mark.parametrize(
    ("what", "name", "data", "code", "message"), REFUSALS, ids=[r[0] for r in REFUSALS]
)
def test_a_file_that_is_not_an_image_is_refused_and_nothing_stored(
    staff, media_root, what, name, data, code, message
):
    before = stored_files(media_root)
    with pytest.raises(ValidationError) as refused:
        library.add_image(data, user=staff, name=name, alt="x")
    assert refused.value.code == code
    assert name in refused.value.messages[0]
    assert message in refused.value.messages[0]
    assert not Image.objects.exists()
    assert stored_files(media_root) == before


def test_a_decompression_bomb_is_refused_before_it_is_decoded(staff, media_root):
    out = io.BytesIO()
    # 400 million pixels in a file of about 50 kB.
    PILImage.new("1", (20_000, 20_000)).save(out, "PNG")
    assert len(out.getvalue()) < 200_000
    before = stored_files(media_root)
    with pytest.raises(ValidationError) as refused:
        library.add_image(out.getvalue(), user=staff, name="bomb.png", alt="x")
    assert refused.value.code == "too_many_pixels"
    assert "400,000,000 pixels" in refused.value.messages[0]
    assert "the limit is 40,000,000" in refused.value.messages[0]
    assert not Image.objects.exists() and stored_files(media_root) == before


def test_a_picture_over_the_pixel_limit_is_refused_with_both_numbers(staff, settings):
    settings.NEWSROOM_UPLOAD_MAX_PIXELS = 10_000
    with pytest.raises(ValidationError) as refused:
        library.add_image(image_file(size=(200, 100)), user=staff, name="w.jpg")
    assert refused.value.code == "too_many_pixels"
    assert "20,000 pixels (200 × 100); the limit is 10,000" in refused.value.messages[0]


def test_an_oversize_file_is_refused_with_both_numbers(staff, settings, media_root):
    settings.NEWSROOM_UPLOAD_MAX_BYTES = 50_000
    data = image_file("PNG", size=(600, 600), compress_level=0)
    assert len(data) > 50_000
    before = stored_files(media_root)
    with pytest.raises(ValidationError) as refused:
        library.add_image(data, user=staff, name="big.png")
    assert refused.value.code == "too_large"
    assert f"({len(data):,} bytes); the limit is" in refused.value.messages[0]
    assert "(50,000 bytes, NEWSROOM_UPLOAD_MAX_BYTES)" in refused.value.messages[0]
    assert stored_files(media_root) == before


def test_a_truncated_image_is_refused(staff, media_root):
    data = image_file("PNG", size=(400, 300))
    before = stored_files(media_root)
    with pytest.raises(ValidationError) as refused:
        library.add_image(data[: len(data) // 2], user=staff, name="cut.png")
    assert refused.value.code == "truncated"
    assert "damaged or incomplete" in refused.value.messages[0]
    assert not Image.objects.exists() and stored_files(media_root) == before


def _jpeg_with_exif(size=(60, 40)) -> bytes:
    picture = PILImage.new("RGB", size, (10, 200, 10))
    picture.paste((250, 0, 0), (0, 0, 10, 10))  # a red corner, top left
    exif = picture.getexif()
    exif[ORIENTATION] = 6  # shown rotated 90° clockwise
    exif[0x010F] = "Camera Maker"
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif, quality=95)
    return out.getvalue()


def test_location_and_other_metadata_are_removed(staff):
    data = _jpeg_with_exif()
    assert GPS_IFD in PILImage.open(io.BytesIO(data)).getexif()
    image = library.add_image(data, user=staff, name="gps.jpg", alt="x")
    stored = open_stored(image)
    assert GPS_IFD not in stored.getexif()
    assert dict(stored.getexif()) == {}
    with image.file.open("rb") as handle:
        assert b"Camera Maker" not in handle.read()


def test_the_exif_orientation_is_applied(staff):
    image = library.add_image(_jpeg_with_exif(), user=staff, name="o.jpg", alt="x")
    assert (image.width, image.height) == (40, 60)  # turned upright
    stored = open_stored(image).convert("RGB")
    assert ORIENTATION not in stored.getexif()
    # Rotated clockwise, the red corner is now at the top right.
    red = stored.getpixel((35, 4))
    assert red[0] > 200 and red[1] < 80, red


def test_a_clean_file_is_kept_byte_for_byte(staff):
    data = image_file("PNG", size=(50, 50))
    checked = check_upload(data, name="clean.png")
    assert checked.data == data
    assert check_upload(checked.data, name="again.png").sha256 == checked.sha256


def test_the_same_picture_twice_is_refused_with_the_first(staff):
    data = image_file(size=(80, 80))
    first = library.add_image(data, user=staff, name="a.jpg", alt="x")
    with pytest.raises(ValidationError) as refused:
        library.add_image(data, user=staff, name="b.jpg", alt="y")
    assert f"already in the library as #{first.pk}" in refused.value.messages[0]


def test_only_those_with_the_right_may_add_change_or_delete(people):
    outsider = UserFactory(username="outsider")
    assert library.check_add_image(user=outsider)
    with pytest.raises(PermissionDenied):
        library.add_image(image_file(), user=outsider, name="x.jpg")
    image = library_image(people["reporter"])
    assert library.check_edit_image(image, user=outsider)
    assert not library.check_edit_image(image, user=people["reporter"])
    # Reporters upload and describe; only publishers delete.
    assert library.check_delete_image(image, user=people["reporter"])
    with pytest.raises(PermissionDenied):
        library.delete_image(image, user=people["reporter"])
    assert library.check_delete_image(image, user=people["publisher"]) == []


def test_an_image_in_use_is_not_deleted_and_an_unused_one_goes_with_its_files(
    people, media_root
):
    from tests.factories import ArticleFactory

    used, unused = library_image(people["reporter"]), library_image(people["reporter"])
    ArticleFactory(lead_image=used)
    reasons = library.check_delete_image(used, user=people["publisher"])
    assert "the lead image of 1 article(s)" in reasons[0]
    with pytest.raises(ValidationError):
        library.delete_image(used, user=people["publisher"])
    path = Path(media_root) / unused.file.name
    assert path.exists()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        library.delete_image(unused, user=people["publisher"])
    assert not Image.objects.filter(pk=unused.pk).exists()
    assert not path.exists()


# The admin ------------------------------------------------------------------------


def test_an_upload_through_the_admin_is_checked_and_added(client, people):
    client.force_login(people["reporter"])
    data = _jpeg_with_exif(size=(120, 80))
    response = client.post(
        "/admin/media/image/add/",
        {
            "upload": SimpleUploadedFile("harbour.jpg", data, "image/jpeg"),
            "alt": "The harbour at dawn",
            "credit": "Photo: Jane Doe",
            "licence": "CC BY 4.0",
            "caption": "",
            "title": "",
            "source_url": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = Image.objects.get()
    assert (image.width, image.height, image.alt) == (80, 120, "The harbour at dawn")
    assert image.uploaded_by == people["reporter"]
    assert GPS_IFD not in open_stored(image).getexif()


def test_a_refused_upload_in_the_admin_says_why_and_stores_nothing(
    client, people, media_root
):
    client.force_login(people["reporter"])
    before = stored_files(media_root)
    response = client.post(
        "/admin/media/image/add/",
        {
            "upload": SimpleUploadedFile("photo.jpg", b"<html>not an image</html>"),
            "alt": "x",
        },
    )
    assert response.status_code == 200
    assert "photo.jpg: this is not a JPEG, PNG" in response.content.decode()
    assert not Image.objects.exists() and stored_files(media_root) == before


def test_the_upload_page_takes_a_file_larger_than_other_pages_allow(
    client, people, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000
    client.force_login(people["reporter"])
    data = image_file("PNG", size=(300, 300), compress_level=0)
    assert len(data) > 20_000
    # Any other page refuses the body before reading it...
    response = client.post(
        "/admin/articles/article/add/", {"f": SimpleUploadedFile("a.png", data)}
    )
    assert response.status_code == 413
    # ...the library's upload form takes it.
    response = client.post(
        "/admin/media/image/add/",
        {"upload": SimpleUploadedFile("a.png", data), "alt": "a"},
    )
    assert response.status_code == 302
    assert Image.objects.count() == 1


def test_the_library_lists_searches_and_filters(client, people):
    library_image(people["reporter"], alt="A red boat", credit="Photo: Ann")
    library_image(people["reporter"], alt="", credit="Photo: Bo")
    client.force_login(people["publisher"])
    page = client.get("/admin/media/image/?q=boat").content.decode()
    assert "A red boat" in page and "Photo: Bo" not in page
    page = client.get("/admin/media/image/?alt=missing").content.decode()
    assert "Photo: Bo" in page and "A red boat" not in page
    page = client.get("/admin/media/image/?used=no").content.decode()
    assert "Photo: Bo" in page and "Photo: Ann" in page


# The command ------------------------------------------------------------------------


def test_import_media_prints_each_new_id(people, tmp_path):
    paths = []
    for n, fmt in enumerate(("JPEG", "PNG")):
        path = tmp_path / f"p{n}.{fmt.lower()}"
        path.write_bytes(image_file(fmt, size=(100 + n, 90)))
        paths.append(str(path))
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_media",
        *paths,
        "--alt",
        "Test picture",
        "--credit",
        "Photo: Desk",
        "--licence",
        "CC0",
        "--user",
        "rita",
        stdout=out,
        stderr=err,
    )
    ids = [int(line) for line in out.getvalue().split()]
    images = Image.objects.order_by("pk")
    assert ids == [i.pk for i in images]
    assert {(i.alt, i.credit, i.licence) for i in images} == {
        ("Test picture", "Photo: Desk", "CC0")
    }


def test_import_media_adds_nothing_when_one_file_is_refused(people, tmp_path):
    good, bad = tmp_path / "good.jpg", tmp_path / "bad.jpg"
    good.write_bytes(image_file())
    bad.write_bytes(b"<html>oops</html>")
    err = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_media", str(good), str(bad), "--user", "rita", stderr=err)
    assert "1 of 2 file(s) refused; nothing was added" in str(failed.value)
    assert f"{bad}: this is not a JPEG" in err.getvalue()
    assert not Image.objects.exists()


def test_import_media_needs_the_right(people, tmp_path):
    UserFactory(username="nobody")
    path = tmp_path / "x.jpg"
    path.write_bytes(image_file())
    with pytest.raises(CommandError, match="may not add images"):
        call_command("import_media", str(path), "--user", "nobody")


# Phones' multi-picture JPEGs, hidden segments, the same picture twice ---------------


def _mpo(size=(60, 40)) -> bytes:
    """A JPEG with a second picture (MPO): the first red and turned, with GPS."""
    first = PILImage.new("RGB", size, (10, 200, 10))
    first.paste((250, 0, 0), (0, 0, 10, 10))  # a red corner, top left
    second = PILImage.new("RGB", size, (0, 0, 250))
    exif = first.getexif()
    exif[ORIENTATION] = 6
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[second], exif=exif)
    data = out.getvalue()
    assert PILImage.open(io.BytesIO(data)).format == "MPO"
    return data


def _assert_first_picture_upright_without_location(image: Image) -> None:
    assert (image.format, image.width, image.height) == ("jpeg", 40, 60)
    assert image.file.name.endswith(".jpg")
    stored = open_stored(image)
    assert stored.format == "JPEG" and getattr(stored, "n_frames", 1) == 1
    assert dict(stored.getexif()) == {}
    red = stored.convert("RGB").getpixel((35, 4))  # the corner, turned
    assert red[0] > 200 and red[2] < 80, red
    with image.file.open("rb") as handle:
        data = handle.read()
    assert b"MPF\0" not in data and data.endswith(b"\xff\xd9")
    assert data.count(b"\xff\xd8") == 1  # one picture: the second is gone


def test_a_phones_multi_picture_jpeg_is_added_in_the_admin_as_a_jpeg(client, people):
    client.force_login(people["reporter"])
    response = client.post(
        "/admin/media/image/add/",
        {
            "upload": SimpleUploadedFile("phone.jpg", _mpo(), "image/jpeg"),
            "alt": "A field",
            "credit": "Photo: Desk",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = Image.objects.get()
    _assert_first_picture_upright_without_location(image)
    served = client.get(f"/media/{image.file.name}")
    assert served["Content-Type"] == "image/jpeg"


def test_import_media_adds_a_multi_picture_jpeg_as_a_jpeg(people, tmp_path):
    path = tmp_path / "phone.jpg"
    path.write_bytes(_mpo())
    out = io.StringIO()
    call_command("import_media", str(path), "--user", "rita", stdout=out)
    image = Image.objects.get()
    assert out.getvalue().split() == [str(image.pk)]
    _assert_first_picture_upright_without_location(image)


def _with_segment(jpeg: bytes, marker: int, payload: bytes) -> bytes:
    """``jpeg`` with an application segment put right after its start."""
    segment = bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2) + payload
    return jpeg[:2] + segment + jpeg[2:]


@pytest.mark.parametrize(
    "dirty",
    [
        pytest.param(
            lambda clean: _with_segment(clean, 0xE3, b"GPSTEXT 51.50N"), id="APP3"
        ),
        pytest.param(
            lambda clean: _with_segment(clean, 0xEC, b"Ducky GPSTEXT"), id="APP12"
        ),
        pytest.param(
            lambda clean: clean + b"GPSTEXT 51.50N after the end", id="trailing"
        ),
        pytest.param(
            lambda clean: _with_segment(clean + b"GPSTEXT", 0xE5, b"GPSTEXT x"),
            id="both",
        ),
    ],
)
def test_hidden_jpeg_segments_and_trailing_bytes_are_removed_losslessly(staff, dirty):
    clean = image_file(size=(64, 48))
    assert check_upload(clean, name="clean.jpg").data == clean
    image = library.add_image(dirty(clean), user=staff, name="dirty.jpg", alt="x")
    with image.file.open("rb") as handle:
        kept = handle.read()
    assert b"GPSTEXT" not in kept
    # Nothing but the hidden data went: the very bytes of the clean file.
    assert kept == clean
    assert check_upload(kept, name="again.jpg").data == kept


def test_exif_is_removed_without_encoding_an_upright_jpeg_again(staff):
    picture = PILImage.new("RGB", (64, 48), (10, 200, 10))
    exif = picture.getexif()
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    with_exif, without = io.BytesIO(), io.BytesIO()
    picture.save(with_exif, "JPEG", exif=exif, quality=80)
    picture.save(without, "JPEG", quality=80)
    checked = check_upload(with_exif.getvalue(), name="gps.jpg")
    assert checked.data == without.getvalue()


def _admin_form(upload, **words) -> dict:
    return {
        "upload": upload,
        "alt": "x",
        "credit": "",
        "licence": "",
        "caption": "",
        "title": "",
        "source_url": "",
        **words,
    }


def test_the_same_picture_again_in_the_admin_says_which_and_stores_nothing(
    client, people, media_root
):
    data = image_file(size=(90, 60))
    first = library.add_image(data, user=people["reporter"], name="a.jpg", alt="Boat")
    before = stored_files(media_root)
    client.force_login(people["reporter"])
    response = client.post(
        "/admin/media/image/add/",
        _admin_form(SimpleUploadedFile("again.jpg", data), alt="Other words"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"again.jpg: this image is already in the library as #{first.pk}" in page
    assert f'href="/admin/media/image/{first.pk}/change/"' in page
    assert Image.objects.count() == 1 and stored_files(media_root) == before


def test_replacing_a_file_with_another_images_picture_is_refused_in_the_admin(
    client, people, media_root
):
    boat = library_image(people["reporter"], alt="Boat")
    harbour = library_image(people["reporter"], alt="Harbour")
    with boat.file.open("rb") as handle:
        boats_file = handle.read()
    before = stored_files(media_root)
    client.force_login(people["reporter"])
    response = client.post(
        f"/admin/media/image/{harbour.pk}/change/",
        _admin_form(
            SimpleUploadedFile("boat.jpg", boats_file),
            alt="Harbour",
            credit=harbour.credit,
            licence=harbour.licence,
        ),
    )
    assert response.status_code == 200
    assert (
        f"boat.jpg: this image is already in the library as #{boat.pk}"
        in response.content.decode()
    )
    kept = Image.objects.get(pk=harbour.pk)
    assert (kept.sha256, kept.file.name) == (harbour.sha256, harbour.file.name)
    assert stored_files(media_root) == before


def test_import_media_refuses_a_picture_the_library_has_and_adds_nothing(
    people, tmp_path
):
    first = library_image(people["reporter"])
    with first.file.open("rb") as handle:
        known = tmp_path / "known.jpg"
        known.write_bytes(handle.read())
    new = tmp_path / "new.png"
    new.write_bytes(image_file("PNG", size=(70, 50)))
    err = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_media", str(new), str(known), "--user", "rita", stderr=err)
    assert "1 of 2 file(s) refused; nothing was added" in str(failed.value)
    assert f"{known}: this image is already in the library as #{first.pk}" in (
        err.getvalue()
    )
    assert list(Image.objects.all()) == [first]


def test_import_media_refuses_the_same_picture_given_twice(people, tmp_path):
    one, two = tmp_path / "one.jpg", tmp_path / "two.jpg"
    one.write_bytes(image_file(size=(70, 50)))
    two.write_bytes(one.read_bytes())
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_media", str(one), str(two), "--user", "rita", stderr=err)
    assert f"{two}: this is the same picture as {one}" in err.getvalue()
    assert not Image.objects.exists()
