// The API documentation (Swagger UI): names for the controls it leaves unnamed, as it renders them.
(function () {
  "use strict";
  function name(root) {
    root.querySelectorAll(".copy-to-clipboard > button:not([aria-label])").forEach(function (button) {
      button.setAttribute("aria-label", "Copy to clipboard");
    });
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (select) {
      select.setAttribute("aria-label", select.closest("tr").getAttribute("data-param-name"));
    });
    // Examples and answers scroll sideways: reachable by keyboard, and named for what they show.
    root.querySelectorAll(".highlight-code > .microlight:not([tabindex])").forEach(function (code) {
      code.setAttribute("tabindex", "0");
      code.setAttribute("role", "region");
      code.setAttribute("aria-label", "Example");
    });
    root.querySelectorAll("select:not([aria-label]):not([id])").forEach(function (select) {
      var label = select.closest("label");
      if (!label) select.setAttribute("aria-label", select.className || "choice");
    });
  }
  var ui = document.getElementById("swagger-ui");
  new MutationObserver(function () { name(ui); }).observe(ui, { childList: true, subtree: true });
})();
