// Display equations never overflow their column: once MathJax has typeset the page, an equation
// wider than its column is scaled down to fit (never below 60 %, so it stays legible; the book's
// browser check fails on an equation that would need more, which must then be split by hand).
(function () {
  const MIN_SCALE = 0.6;
  function fit() {
    document.querySelectorAll('mjx-container[display="true"]').forEach((box) => {
      box.style.fontSize = "";
      const column = box.parentElement.clientWidth;
      const width = box.firstElementChild ? box.firstElementChild.getBoundingClientRect().width : 0;
      if (column > 0 && width > column) {
        const scale = Math.max(MIN_SCALE, (column - 2) / width);
        box.style.fontSize = `${(100 * scale).toFixed(1)}%`;
        box.dataset.rederivedScale = scale.toFixed(3);
      } else {
        delete box.dataset.rederivedScale;
      }
    });
  }
  function start() {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(fit);
    }
  }
  window.addEventListener("load", start);
  let timer;
  window.addEventListener("resize", () => { clearTimeout(timer); timer = setTimeout(fit, 100); });
  window.rederivedFitEquations = fit;
})();
