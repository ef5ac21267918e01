"""The book's figure style: colour-blind-safe colours, readable sizes, stable output."""

from __future__ import annotations

# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision
# deficiencies; black first for the reference curve of a plot. Their yellow (#F0E442) is left out:
# a thin or dotted yellow line is all but invisible on a white page.
OKABE_ITO = ("#000000", "#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7")


def use_book_style() -> None:
    """Set matplotlib's defaults for the book's figures (call once at the top of a chapter).

    Figures are at most 8 inches wide, so that the book shows them at (nearly) full size: text of
    10 points stays at least 9 points on the page. In a notebook they are stored as PNG at twice
    the nominal resolution (200 dpi, matplotlib-inline's ``retina`` format) with their display
    size, so they are sharp on high-density screens.
    """
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(
        {
            "axes.prop_cycle": cycler(color=OKABE_ITO),
            "figure.figsize": (6.4, 3.6),
            "figure.dpi": 100,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
            "font.size": 10,
            "legend.fontsize": 9,
            # A fixed hash salt keeps SVG output byte-identical between runs.
            "svg.hashsalt": "rederived",
        }
    )
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # outside IPython: nothing to configure
        return
    if get_ipython() is not None:
        set_matplotlib_formats("retina")
