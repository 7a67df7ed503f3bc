// The import page is sent as the import runs, its title first. Deferred, this runs once the whole page (the
// result included) has arrived: the tab then says how the import ended, as the page's heading does.
(function () {
  "use strict";
  var heading = document.querySelector(".import-result h1");
  var suffix = document.title.lastIndexOf(" · ");
  if (heading && suffix >= 0) {
    document.title = heading.textContent.trim() + document.title.slice(suffix);
  }
})();
