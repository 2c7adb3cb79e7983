"""The HTML template ``dvc plots show`` and ``dvc plots diff`` fill, with Vega, Vega-Lite and
Vega-Embed inlined so the page draws its plots with no network.

DVC's own page loads those three libraries from a public CDN, so on a machine without internet
every Vega plot stays blank. The libraries here come from the pinned ``vl-convert-python``
package (:func:`vl_convert.javascript_bundle`, one self-contained script of about 0.9 MB that
sets ``window.vegaEmbed``, ``window.vega`` and ``window.vegaLite``). The template leaves out
DVC's ``{scripts}`` placeholder, which is where the CDN tags would go, and keeps
``{refresh_tag}`` and ``{plot_divs}``.

Each plot DVC writes calls ``vegaEmbed('#id', spec)``; the template wraps that function once so
every plot is drawn as SVG (crisp, and its marks can be counted in the page) and so each
finished or failed embedding is recorded in ``window.hytnasPlots``: a list of
``{"id": str, "marks": int}`` or ``{"id": str, "error": str}``, which is what the browser test
reads. The template is written by :func:`write_template`, which ``make setup`` calls, to
``.dvc/offline-plots.html`` (``plots.html_template`` in ``.dvc/config`` names it).
"""

from __future__ import annotations

import logging
from pathlib import Path

from hytnas.errors import ConfigError
from hytnas.io import write_text

__all__ = ["TEMPLATE_NAME", "VEGA_LITE_VERSION", "render_template", "write_template"]

log = logging.getLogger(__name__)

TEMPLATE_NAME = "offline-plots.html"
"""The template's file name inside ``.dvc/`` (what ``plots.html_template`` holds)."""

VEGA_LITE_VERSION = "5.21"
"""The Vega-Lite version bundled: DVC's specs declare the v5 schema."""

_RECORDER = """
(function () {
  var embed = window.vegaEmbed;
  window.hytnasPlots = [];
  window.vegaEmbed = function (target, spec, options) {
    var id = String(target).replace(/^#/, "");
    var merged = Object.assign({renderer: "svg"}, options || {});
    return embed(target, spec, merged).then(function (result) {
      var svg = document.querySelector(target + " svg");
      var marks = svg ? svg.querySelectorAll("g.mark-symbol path, g.mark-line path, g.mark-area path, g.mark-rect path, g.mark-rule line, g.mark-text text").length : 0;
      window.hytnasPlots.push({id: id, marks: marks});
      return result;
    }, function (error) {
      window.hytnasPlots.push({id: id, error: String(error)});
      console.error("hytnas plots: " + id + ": " + error);
      throw error;
    });
  };
})();
"""

_PAGE = """<!DOCTYPE html>
<html>
<head>
    <meta charset="utf-8">
    {{refresh_tag}}
    <title>hytnas plots</title>
    <!-- Vega {vega}, Vega-Lite {vega_lite}, Vega-Embed {vega_embed}: inlined from vl-convert-python {package}, so the page needs no network. -->
    <script>
{bundle}
    </script>
    <script>
{recorder}
    </script>
    <style>
        body {{ font-family: sans-serif; }}
        table {{ border-spacing: 15px; }}
    </style>
</head>
<body>
    {{plot_divs}}
</body>
</html>
"""


def render_template() -> str:
    """The template's text: the bundled libraries, the recorder, and DVC's placeholders.

    Raises:
        ConfigError: ``vl-convert-python`` is not installed (``make setup`` installs it).
    """
    try:
        import vl_convert
    except ImportError:
        raise ConfigError(
            "vl-convert-python is not installed; expected it from requirements.lock (run make setup)"
        ) from None
    from importlib.metadata import version

    bundle = vl_convert.javascript_bundle(vl_version=VEGA_LITE_VERSION)
    for placeholder in ("{plot_divs}", "{scripts}", "{refresh_tag}", "</script"):
        if placeholder in bundle:
            raise ConfigError(f"vl-convert's bundle contains {placeholder!r}, which DVC would replace; expected none")
    page = _PAGE.format(
        vega=vl_convert.get_vega_version(),
        vega_lite=VEGA_LITE_VERSION,
        vega_embed=vl_convert.get_vega_embed_version(),
        package=version("vl-convert-python"),
        bundle=bundle,
        recorder=_RECORDER.strip("\n"),
    )
    return page


def write_template(path: Path) -> Path:
    """Write the template to ``path`` atomically (the same bytes for the same pinned package)."""
    path = Path(path)
    write_text(path, render_template())
    log.info("offline plots template: %s (%d bytes)", path, path.stat().st_size)
    return path
