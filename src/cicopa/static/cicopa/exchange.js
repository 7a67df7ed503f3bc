// The exchange's pages.
(function () {
  "use strict";

  // The search of offers and needs: leave empty fields out of the request, so that the address pushed into the
  // browser history stays short (?direction=need rather than ?q=&direction=need&kind=&category=...).
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (!elt || elt.id !== "listing-search") {
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

  // The listing form: a translation is into the two languages the listing is not written in. When the language
  // written in changes, its translation block hides (unless something is typed in it) and the others show.
  function showTranslations(select) {
    document.querySelectorAll("details[data-translation]").forEach(function (block) {
      var filled = Array.from(block.querySelectorAll("input, textarea")).some(function (field) {
        return field.value.trim() !== "";
      });
      block.hidden = block.getAttribute("data-translation") === select.value && !filled;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-listing-language]")) {
      showTranslations(event.target);
    }
  });
})();
