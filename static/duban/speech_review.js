/* Review page: click an item to highlight its span [start, end) in the source text;
   tick an item to show its task fields. Offsets count Unicode code points (as Python
   does), so the text is split with Array.from, not by UTF-16 units. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var panel = document.getElementById("speech-text");
    var outline = document.getElementById("review-outline");
    if (!panel || !outline) return;
    var chars = Array.from(panel.textContent);

    function highlight(start, end) {
      var mark = document.createElement("mark");
      mark.textContent = chars.slice(start, end).join("");
      panel.replaceChildren(
        document.createTextNode(chars.slice(0, start).join("")), mark,
        document.createTextNode(chars.slice(end).join("")));
      panel.scrollTop = Math.max(0, mark.offsetTop - panel.clientHeight / 4);
    }

    function countIncluded() {
      var n = outline.querySelectorAll(".review-include input:checked").length;
      outline.querySelectorAll(".js-included-count").forEach(function (el) { el.textContent = n; });
    }

    outline.addEventListener("click", function (event) {
      var button = event.target.closest(".review-locate");
      if (!button) return;
      outline.querySelectorAll(".review-item.is-selected").forEach(function (el) { el.classList.remove("is-selected"); });
      button.closest(".review-item").classList.add("is-selected");
      highlight(parseInt(button.dataset.start, 10), parseInt(button.dataset.end, 10));
    });

    outline.addEventListener("change", function (event) {
      if (!event.target.matches(".review-include input")) return;
      event.target.closest(".review-item").classList.toggle("is-included", event.target.checked);
      countIncluded();
    });
  });
})();
