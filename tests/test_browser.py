"""The printable report in a real browser: headless Chromium renders each example to PNG and
PDF; nothing is wider than an A4 page's printable width, each dossier starts a page of its own,
and a dossier's `<script>` stays text.

Slow (a browser start per file): `.ci/run` installs Debian's `chromium` and runs these. They are
skipped, saying why, only where no browser is installed. PERMITCHECK_RECORD_SCREENSHOT=1 writes
the README's screenshot again (docs/images/report.png)."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import unicodedata
from pathlib import Path

import pytest

from helpers import EXAMPLES, ROOT, example_data, invoke, patched, to_yaml

pytestmark = pytest.mark.slow

NAMES = sorted(path.stem for path in EXAMPLES.glob("*.yaml"))
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# A4 at the browser's 96 pixels per inch: 210 mm wide; less the report's 13 mm margins on each
# side, 184 mm (695 px) of printable width.
A4_POINTS = (595.28, 841.89)
PRINTABLE_PX = round((210 - 2 * 13) / 25.4 * 96)
SCREENSHOT = ROOT / "docs" / "images" / "report.png"


def _browser() -> str:
    for name in (os.environ.get("PERMITCHECK_BROWSER"), *BROWSERS):
        if name and shutil.which(name):
            return str(shutil.which(name))
    pytest.skip(
        "no Chromium to render the HTML report in (install Debian's `chromium` package, as "
        ".ci/run does, or set PERMITCHECK_BROWSER)"
    )


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The browser, headless, with a profile of its own and no network chatter (this machine's
    network is closed: the background services would only fail, slowly)."""
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    command = [
        _browser(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def _report(tmp_path: Path, *paths: str, lang: str = "en") -> Path:
    target = tmp_path / "report.html"
    result = invoke("validate", *paths, "-o", str(target), "--lang", lang)
    assert result.exit_code in (0, 1), result.stderr
    return target


# Measures, once laid out, every element that reaches past the page's right edge.
_MEASURE = """<script>
(() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && (box.right > width + 0.5 || box.left < -0.5)) {
      const where = `${Math.round(box.left)}-${Math.round(box.right)}`;
      wide.push(`${element.tagName}.${element.className} ${where}`);
    }
  }
  const out = document.createElement("pre");
  out.id = "measured";
  out.textContent = JSON.stringify({width, scroll: document.documentElement.scrollWidth, wide});
  document.body.appendChild(out);
})();
</script>"""


def _measured(tmp_path: Path, page: Path) -> dict[str, object]:
    measuring = tmp_path / "measuring.html"
    measuring.write_text(
        page.read_text(encoding="utf-8").replace("</body>", _MEASURE + "</body>"), encoding="utf-8"
    )
    dom = _chromium(
        tmp_path, f"--window-size={PRINTABLE_PX},1123", "--dump-dom", measuring.as_uri()
    ).stdout
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    assert found is not None, dom[-500:]
    measured: dict[str, object] = json.loads(found[1].replace("&quot;", '"').replace("&amp;", "&"))
    return measured


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("lang", ["en", "zh", "en+zh"])
@pytest.mark.parametrize("name", NAMES)
def test_each_example_fits_an_a4_page_and_prints(tmp_path: Path, name: str, lang: str) -> None:
    pypdf = pytest.importorskip("pypdf")
    page = _report(tmp_path, str(EXAMPLES / f"{name}.yaml"), lang=lang)
    measured = _measured(tmp_path, page)
    assert measured["wide"] == [], measured
    assert measured["scroll"] == measured["width"] == PRINTABLE_PX
    png = tmp_path / "report.png"
    _chromium(tmp_path, "--window-size=794,1123", f"--screenshot={png}", page.as_uri())
    assert _png_size(png) == (794, 1123) and png.stat().st_size > 20_000
    pdf = tmp_path / "report.pdf"
    _chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    reader = pypdf.PdfReader(str(pdf))
    assert 1 <= len(reader.pages) <= 6
    for sheet in reader.pages:
        size = (float(sheet.mediabox.width), float(sheet.mediabox.height))
        assert size == pytest.approx(A4_POINTS, abs=1.0)
    # Text as printed: a PDF may give CJK characters as their compatibility forms (⼯ for 工).
    first = unicodedata.normalize("NFKC", reader.pages[0].extract_text())
    applicant = example_data(name)["applicant"]["name"]
    title = "工作许可申请材料检查报告" if lang == "zh" else "Work-permit dossier report"
    assert title in first and applicant in first


def test_each_dossier_starts_a_printed_page(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    page = _report(tmp_path, str(EXAMPLES))
    pdf = tmp_path / "report.pdf"
    _chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    texts = [sheet.extract_text() for sheet in pypdf.PdfReader(str(pdf)).pages]
    starts = [text for text in texts if text.lstrip().startswith("Work-permit dossier report")]
    assert len(starts) == len(NAMES)
    for name in NAMES:
        assert sum(example_data(name)["applicant"]["name"] in text[:300] for text in starts) == 1


def test_a_script_in_a_dossier_stays_text_in_the_browser(tmp_path: Path) -> None:
    hostile = '<script>document.title="pwned";document.body.innerHTML=""</script>'
    data = patched(
        example_data("not-ready"),
        {"applicant.name": f"Rahul {hostile}", "employer.name": f'<img src=x onerror="{hostile}">'},
    )
    dossier = tmp_path / "d.yaml"
    dossier.write_bytes(to_yaml(data))
    page = _report(tmp_path, str(dossier))
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert "<script" not in dom and "<img" not in dom
    title = re.search(r"<title>(.*?)</title>", dom, re.S)
    assert title is not None and "pwned" != title[1] and "&lt;script&gt;" in title[1]
    assert "Rahul &lt;script&gt;document.title=" in dom  # shown, as text


def test_the_readme_shows_a_screenshot_of_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the dossier named as the README's command names it
    page = _report(tmp_path, "examples/not-ready.yaml", lang="en+zh")
    png = tmp_path / "report.png"
    _chromium(tmp_path, "--window-size=900,1200", f"--screenshot={png}", page.as_uri())
    assert _png_size(png) == (900, 1200)
    if os.environ.get("PERMITCHECK_RECORD_SCREENSHOT"):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(png, SCREENSHOT)
    assert _png_size(SCREENSHOT) == (900, 1200)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/images/report.png)" in readme
