"""The vendored plotly.js bundle: the version the `plotly` package builds figures for."""

from plotly.offline import get_plotlyjs_version

from service.pages.static_files import PLOTLY_JS, PLOTLY_URL, PLOTLY_VERSION


def test_the_vendored_bundle_is_the_basic_one_the_figures_are_built_for() -> None:
    head = PLOTLY_JS.read_text()[:200]
    assert f"plotly.js (basic - minified) v{get_plotlyjs_version()}\n" in head
    assert get_plotlyjs_version() == PLOTLY_VERSION
    assert PLOTLY_URL.endswith(f"?v={PLOTLY_VERSION}")
    assert PLOTLY_JS.stat().st_size < 1_500_000
    assert (PLOTLY_JS.parent / "LICENSE.txt").read_text().startswith("MIT License")
