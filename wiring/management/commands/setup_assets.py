"""Set-up step: fetch the pinned front-end packages and compile the translations.

Bootstrap and htmx come from the npm registry as pinned tarballs whose SHA-512 is checked here,
and are unpacked into ``static/vendor/`` (ignored by git). Pages then load them from our own
static files: no page ever asks a CDN. axe-core, which only the browser tests use, goes the same
way into ``var/test-vendor/`` (ignored by git, never served). Translations are compiled from
``locale/*.po`` with polib, so no gettext binaries are needed.
"""

import base64
import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

VENDOR_DIR = settings.BASE_DIR / "static" / "vendor"
# Outside static/: the accessibility checker is injected by the browser tests, never served.
TEST_VENDOR_DIR = settings.BASE_DIR / "var" / "test-vendor"

# name, version, sha512 integrity (as the registry publishes it), {path in tarball: path under vendor/}
PACKAGES = [
    (
        "bootstrap",
        "5.3.9",
        "sha512-20cU0rcfw8WdxtVbmfU+xT2EjvVTw9Ror/h1Qvd7DXCujRg8OO9mdBCsmTHdJFf3BuadmBNJtgIuUXsBqSkk/w==",
        {
            "package/dist/css/bootstrap.min.css": "bootstrap/css/bootstrap.min.css",
            "package/dist/js/bootstrap.bundle.min.js": "bootstrap/js/bootstrap.bundle.min.js",
            "package/LICENSE": "bootstrap/LICENSE",
        },
    ),
    (
        "dejavu-fonts-ttf",
        "2.37.3",
        "sha512-f1hd7jJbeQa1VWcw+K2KrTXS50zTMaHpVC4XIKJpNcDeYR5ajMtj/iLlQDYNvLOKamUB3ARVVCf79lNwNVztSQ==",
        {
            "package/ttf/DejaVuSans.ttf": "dejavu/DejaVuSans.ttf",
            "package/ttf/DejaVuSans-Bold.ttf": "dejavu/DejaVuSans-Bold.ttf",
            "package/LICENSE": "dejavu/LICENSE",
        },
    ),
    (
        "htmx.org",
        "2.0.11",
        "sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==",
        {"package/dist/htmx.min.js": "htmx/htmx.min.js", "package/LICENSE": "htmx/LICENSE"},
    ),
]
# The same shape, for packages only the tests use (unpacked under TEST_VENDOR_DIR).
TEST_PACKAGES = [
    (
        "axe-core",
        "4.10.3",
        "sha512-Xm7bpRXnDSX2YE2YFfBk2FnF0ep6tmG7xPh8iHee8MIcrgq762Nkce856dYtJYLkuIoYZvGfTs/PbZhideTcEg==",
        {"package/axe.min.js": "axe-core/axe.min.js", "package/LICENSE": "axe-core/LICENSE"},
    ),
]
REGISTRY = "https://registry.npmjs.org"


def _strip_source_map(data: bytes) -> bytes:
    # The maps are not shipped; without this line browsers' developer tools ask for them.
    lines = data.rstrip(b"\n").split(b"\n")
    if lines and lines[-1].lstrip().startswith((b"//# sourceMappingURL", b"/*# sourceMappingURL")):
        lines = lines[:-1]
    return b"\n".join(lines) + b"\n"


class Command(BaseCommand):
    help = (
        "Fetch pinned Bootstrap and htmx into static/vendor/, axe-core (for the tests) into "
        "var/test-vendor/, and compile the translations."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-test-packages",
            action="store_false",
            dest="test_packages",
            help="Skip what only the tests use (the demo does not need axe-core).",
        )

    def handle(self, *args, test_packages=True, **options):
        for name, version, integrity, files in PACKAGES:
            self._vendor(name, version, integrity, files, VENDOR_DIR)
        if test_packages:
            for name, version, integrity, files in TEST_PACKAGES:
                self._vendor(name, version, integrity, files, TEST_VENDOR_DIR)
        self._compile_translations()

    def _vendor(self, name, version, integrity, files, vendor_dir):
        stamp = vendor_dir / f".{name}-{version}"
        if stamp.exists() and all((vendor_dir / target).exists() for target in files.values()):
            return
        url = f"{REGISTRY}/{name}/-/{name.split('/')[-1]}-{version}.tgz"
        self.stdout.write(f"[set-up] fetching {name} {version} from the npm registry")
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - fixed https URL
            payload = response.read()
        digest = "sha512-" + base64.b64encode(hashlib.sha512(payload).digest()).decode()
        if digest != integrity:
            raise CommandError(f"{name} {version}: checksum mismatch ({digest}), refusing to install it")
        with tarfile.open(fileobj=io.BytesIO(payload), mode="r:gz") as archive:
            for member, target in files.items():
                data = archive.extractfile(member).read()
                if target.endswith((".js", ".css")):
                    data = _strip_source_map(data)
                path = vendor_dir / target
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        stamp.write_text(integrity)

    def _compile_translations(self):
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in Path(locale_dir).glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                self.stdout.write(f"[set-up] compiled {po_path.relative_to(settings.BASE_DIR)}")
