// On a phone the filter bar folds under its 筛选条件 summary, so the tasks come first;
// it stays open while a filter is in use, and always on a wider screen (the summary is
// hidden there, so a window widened or a tablet turned opens it again).
(function () {
  var phone = window.matchMedia("(max-width: 767px)");
  var boxes = document.querySelectorAll("details.duban-filters");
  boxes.forEach(function (box) {
    if (phone.matches && !box.hasAttribute("data-active")) {
      box.open = false;
    }
  });
  phone.addEventListener("change", function () {
    if (!phone.matches) {
      boxes.forEach(function (box) { box.open = true; });
    }
  });
})();
