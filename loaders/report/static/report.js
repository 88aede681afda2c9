// Shows the labels of the span under the pointer or with keyboard focus; toggles boundary markers.
document.addEventListener("DOMContentLoaded", function () {
  var info = document.getElementById("info");
  function show(fragment) {
    var head = document.getElementById(fragment.dataset.span);
    if (!info || !head) return;
    info.textContent = head.dataset.info;
    document.querySelectorAll(".span.active").forEach(function (el) { el.classList.remove("active"); });
    document.querySelectorAll(".span").forEach(function (el) {
      if (el.dataset.span === fragment.dataset.span) el.classList.add("active");
    });
  }
  document.querySelectorAll(".span.head").forEach(function (el) {
    el.addEventListener("focus", function () { show(el); });
  });
  document.querySelectorAll(".text").forEach(function (text) {
    text.addEventListener("mouseover", function (event) {
      var fragment = event.target.closest(".span");
      if (fragment) show(fragment);
    });
  });
  document.querySelectorAll("input[data-toggle]").forEach(function (box) {
    box.addEventListener("change", function () { document.body.classList.toggle(box.dataset.toggle, box.checked); });
  });
});
