// Mathematics never overflows its column: once MathJax has typeset the page, an equation wider
// than its column is scaled down to fit. A display equation goes down to 60 %, an inline formula
// (which MathJax cannot break across lines) to 80 %, so each stays legible; the book's browser
// check fails on one that would need more, which must then be split or set on its own line.
(function () {
  const MIN_DISPLAY = 0.6;
  const MIN_INLINE = 0.8;
  // the width inside the nearest block that holds the formula (its padding excluded)
  function column(box) {
    let block = box.parentElement;
    while (block && getComputedStyle(block).display.startsWith("inline")) {
      block = block.parentElement;
    }
    if (!block) return 0;
    const style = getComputedStyle(block);
    return block.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  }
  function scale(box, width, room, floor) {
    if (room > 0 && width > room) {
      const s = Math.max(floor, (room - 2) / width);
      box.style.fontSize = `${(100 * s).toFixed(1)}%`;
      box.dataset.rederivedScale = s.toFixed(3);
    } else {
      delete box.dataset.rederivedScale;
    }
  }
  function fit() {
    // a display equation against its own box, which a numbered equation shares with its
    // number: what it needs (scrollWidth) against what it is given (clientWidth)
    const display = Array.from(document.querySelectorAll('mjx-container[display="true"]'));
    display.forEach((box) => { box.style.fontSize = ""; });
    const needs = display.map((box) => [box.scrollWidth, box.clientWidth]);
    display.forEach((box, i) => scale(box, needs[i][0], needs[i][1], MIN_DISPLAY));
    const inline = Array.from(document.querySelectorAll('mjx-container:not([display="true"])'));
    inline.forEach((box) => { box.style.fontSize = ""; });
    // measure every formula at full size first, then scale: one layout pass, not one per formula
    const sizes = inline.map((box) => [box.getBoundingClientRect().width, column(box)]);
    inline.forEach((box, i) => scale(box, sizes[i][0], sizes[i][1], MIN_INLINE));
  }
  function start() {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(fit);
    }
  }
  window.addEventListener("load", start);
  // a folded cell or solution opened later: its equations are fitted when they appear
  document.addEventListener("toggle", () => setTimeout(fit, 0), true);
  document.addEventListener("click", (event) => {
    if (event.target.closest && event.target.closest(".toggle-button, summary")) {
      setTimeout(fit, 50);
    }
  });
  let timer;
  window.addEventListener("resize", () => { clearTimeout(timer); timer = setTimeout(fit, 100); });
  window.rederivedFitEquations = fit;
})();
