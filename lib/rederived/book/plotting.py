"""The book's figure style: colour-blind-safe colours, readable sizes, stable output."""

from __future__ import annotations

# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision
# deficiencies; black first for the reference curve of a plot.
OKABE_ITO = ("#000000", "#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#F0E442")


def use_book_style() -> None:
    """Set matplotlib's defaults for the book's figures (call once at the top of a chapter)."""
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
            # A fixed hash salt keeps SVG output byte-identical between runs.
            "svg.hashsalt": "rederived",
        }
    )
