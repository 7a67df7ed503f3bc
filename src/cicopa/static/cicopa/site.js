// Every page: the language switcher returns to the page as it is now. Pages that change in place (the
// directory's search, sorting and paging push their address) have moved on from the address the page was
// loaded with.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.classList && form.classList.contains("language-form") && form.elements.next) {
    form.elements.next.value = window.location.pathname + window.location.search;
  }
});
