"""
Media in S3-compatible object storage, end to end (issue 18), against a real
S3-compatible server on 127.0.0.1 (moto's server mode) started here: an
image uploaded through the admin in one app process is linked by the page
another process serves, and the object is there.
"""

import hashlib
import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from moto.server import ThreadedMotoServer

ROOT = Path(__file__).resolve().parent.parent
BUCKET = "newsroom-media"
# What README, "Media in object storage", asks of a bucket: anyone may read
# the library's images and renditions, nothing else.
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": [
                f"arn:aws:s3:::{BUCKET}/images/*",
                f"arn:aws:s3:::{BUCKET}/renditions/*",
            ],
        }
    ],
}


@pytest.fixture
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",  # noqa: S106 - a local stand-in
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ))
    yield endpoint, client
    server.stop()


def _environment(tmp_path, endpoint) -> dict:
    import os

    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'newsroom.sqlite3'}",
        SECRET_KEY="s3-test-only",
        DEBUG="0",
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="ERROR",
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        PYTHONPATH=str(ROOT),
        NEWSROOM_TEST_STATIC_ROOT=str(settings.STATIC_ROOT),
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="test-key",
        AWS_SECRET_ACCESS_KEY="test-secret",  # noqa: S106 - a local stand-in
        AWS_S3_REGION_NAME="us-east-1",
        MEDIA_ROOT=str(tmp_path / "no-media-here"),
    )
    env.pop("REDIS_URL", None)
    return env


def _run(env, *args) -> str:
    result = subprocess.run(  # noqa: S603 - our own code, fixed arguments
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _fetch(url: str) -> tuple[int, bytes, str]:
    assert url.startswith("http://127.0.0.1:")  # the local server, nothing else
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
        return response.status, response.read(), response.headers["Content-Type"]


def test_an_upload_in_one_process_is_served_from_object_storage_to_another(
    tmp_path, s3_server
):
    endpoint, client = s3_server
    env = _environment(tmp_path, endpoint)
    _run(env, "manage.py", "migrate", "--no-input", "-v", "0")
    uploaded = json.loads(_run(env, "-m", "tests.media_s3_worker", "editor"))
    page = json.loads(_run(env, "-m", "tests.media_s3_worker", "reader"))
    assert page["status"] == 200
    html = page["html"]
    # The objects are in the bucket, not on this machine's disk.
    keys = {o["Key"] for o in client.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert set(uploaded["images"]) <= keys
    assert any(key.startswith("renditions/") for key in keys)
    assert not (tmp_path / "no-media-here").exists()
    # The page links the objects where the storage serves them.
    urls = set(re.findall(r'<img [^>]*src="([^"]+)"', html))
    urls |= set(re.findall(r'<meta property="og:image" content="([^"]+)"', html))
    for srcset in re.findall(r'srcset="([^"]+)"', html):
        urls |= {part.strip().split(" ")[0] for part in srcset.split(",")}
    elsewhere = [u for u in urls if not u.startswith(f"{endpoint}/{BUCKET}/")]
    assert urls and not elsewhere, elsewhere
    assert any("/renditions/" in u for u in urls)
    for url in urls:
        status, body, content_type = _fetch(url)
        assert status == 200 and content_type.startswith("image/"), url
        key = url.removeprefix(f"{endpoint}/{BUCKET}/")
        stored = client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        assert hashlib.sha256(body).digest() == hashlib.sha256(stored).digest()
    # The original the page's link preview names is the uploaded one.
    lead = uploaded["images"][0]
    og = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    assert og.startswith(f"{endpoint}/{BUCKET}/")
    assert lead.startswith("images/")
    # The page's CSP lets a browser load them from there.
    img_src = re.search(r"img-src ([^;]+)", page["csp"]).group(1).split()
    assert endpoint in img_src
