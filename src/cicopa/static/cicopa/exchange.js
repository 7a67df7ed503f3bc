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
})();
