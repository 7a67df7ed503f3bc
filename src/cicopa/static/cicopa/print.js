// Print buttons ([data-print]): shown only where this script runs (.js-only), they open the browser's print
// dialog; the print stylesheet leaves out the site's navigation and the buttons themselves.
document.documentElement.classList.add("js");

document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});
