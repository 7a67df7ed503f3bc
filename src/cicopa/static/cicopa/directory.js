// Directory page: on narrow screens, start with the filter panel folded so that results come first.
// Without JavaScript the panel simply stays open. On wide screens it is always open (its toggle is hidden).
document.documentElement.classList.add("js");

(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 52rem)");
  function apply() {
    document.querySelectorAll("details[data-collapse-narrow]").forEach(function (el) {
      el.open = !narrow.matches;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", apply);
  } else {
    apply();
  }
  if (narrow.addEventListener) {
    narrow.addEventListener("change", apply);
  }
})();

// Directory search form: leave empty fields out of the request, so that the address pushed into the
// browser history (and the export links built from it) stays short: ?kind=cooperative rather than
// ?q=&region=&country=&kind=cooperative&sort=
document.addEventListener("htmx:configRequest", function (event) {
  var elt = event.detail && event.detail.elt;
  if (!elt || elt.id !== "directory-form") {
    return;
  }
  var params = event.detail.parameters;
  var entries = Array.from(params.entries());
  var keys = [];
  entries.forEach(function (entry) {
    if (keys.indexOf(entry[0]) < 0) {
      keys.push(entry[0]);
    }
  });
  keys.forEach(function (key) { params.delete(key); });
  entries.forEach(function (entry) {
    if (entry[1] !== "") {
      params.append(entry[0], entry[1]);
    }
  });
});

// Directory search form: a subdivision belongs to a country, so choosing another country lets go of the
// subdivisions chosen (before htmx reads the form: this listens first, on the way down). The results then bring
// the new country's subdivisions to choose from.
document.addEventListener("change", function (event) {
  if (!event.target || event.target.id !== "filter-country") {
    return;
  }
  var subdivisions = document.getElementById("filter-subdivision");
  if (subdivisions) {
    Array.from(subdivisions.options).forEach(function (option) { option.selected = false; });
  }
}, true);
