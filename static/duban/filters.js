// On a phone the filter bar folds under its 筛选条件 summary, so the tasks come first; the
// summary names the filters in use (待办事项：待批示), so a list opened from a 待办 card says
// what it holds without a screen of boxes above it. On a wider screen the bar is always
// open (the summary is hidden there, so a window widened or a tablet turned opens it again).
(function () {
  var phone = window.matchMedia("(max-width: 767px)");
  var boxes = document.querySelectorAll("details.duban-filters");
  boxes.forEach(function (box) {
    if (phone.matches) {
      box.open = false;
    }
  });
  phone.addEventListener("change", function () {
    if (!phone.matches) {
      boxes.forEach(function (box) { box.open = true; });
    }
  });
})();
