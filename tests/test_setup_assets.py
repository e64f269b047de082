"""``manage.py setup_assets`` fetches axe-core, which only the browser tests use, as it fetches
Bootstrap: a pinned version whose SHA-512 is checked, into a folder git ignores and no page serves.
The demo skips it. (No network here: the registry is replaced by a fake tarball.)"""

import base64
import hashlib
import io
import tarfile

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from wiring.management.commands import setup_assets


def tarball(files):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


@pytest.fixture
def registry(monkeypatch, tmp_path):
    """A fake npm registry serving one axe-core tarball; the vendor folders moved to tmp_path."""
    payload = tarball({"package/axe.min.js": b"window.axe = {};\n", "package/LICENSE": b"MPL-2.0\n"})
    asked = []

    class Response(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def urlopen(url, timeout):
        asked.append(url)
        return Response(payload)

    monkeypatch.setattr(setup_assets.urllib.request, "urlopen", urlopen)
    monkeypatch.setattr(setup_assets, "PACKAGES", [])
    monkeypatch.setattr(setup_assets, "TEST_VENDOR_DIR", tmp_path / "test-vendor")
    monkeypatch.setattr(setup_assets.Command, "_compile_translations", lambda self: None)
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(payload).digest()).decode()
    (name, version, _pinned, files) = setup_assets.TEST_PACKAGES[0]
    return {"asked": asked, "package": (name, version, integrity, files), "dir": tmp_path / "test-vendor"}


def test_axe_core_is_pinned_with_its_checksum():
    (name, version, integrity, files) = setup_assets.TEST_PACKAGES[0]
    assert name == "axe-core"
    assert version.count(".") == 2 and not version.startswith(("^", "~"))
    assert integrity.startswith("sha512-") and len(base64.b64decode(integrity[7:])) == 64
    assert "package/axe.min.js" in files


def test_axe_core_is_fetched_checked_and_unpacked_outside_static(monkeypatch, registry):
    monkeypatch.setattr(setup_assets, "TEST_PACKAGES", [registry["package"]])
    call_command("setup_assets")
    name, version, _integrity, _files = registry["package"]
    assert registry["asked"] == [f"https://registry.npmjs.org/{name}/-/{name}-{version}.tgz"]
    assert (registry["dir"] / "axe-core" / "axe.min.js").read_bytes() == b"window.axe = {};\n"
    call_command("setup_assets")  # present and stamped: not fetched again
    assert len(registry["asked"]) == 1


def test_a_tarball_with_another_checksum_is_refused(monkeypatch, registry):
    name, version, _integrity, files = registry["package"]
    wrong = "sha512-" + base64.b64encode(hashlib.sha512(b"something else").digest()).decode()
    monkeypatch.setattr(setup_assets, "TEST_PACKAGES", [(name, version, wrong, files)])
    with pytest.raises(CommandError, match="checksum mismatch"):
        call_command("setup_assets")
    assert not (registry["dir"] / "axe-core" / "axe.min.js").exists()


def test_the_demo_does_not_fetch_what_only_the_tests_use(monkeypatch, registry):
    monkeypatch.setattr(setup_assets, "TEST_PACKAGES", [registry["package"]])
    call_command("setup_assets", test_packages=False)
    assert registry["asked"] == []


def test_the_test_vendor_folder_is_ignored_by_git_and_not_served():
    folder = setup_assets.TEST_VENDOR_DIR
    assert not folder.is_relative_to(settings.BASE_DIR / "static")
    assert folder.relative_to(settings.BASE_DIR).parts[0] == "var"
    assert "/var/" in (settings.BASE_DIR / ".gitignore").read_text().split()
