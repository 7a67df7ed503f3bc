// Every page: the language switcher returns to the page as it is now. Pages that change in place (the
// directory's search, sorting and paging push their address) have moved on from the address the page was
// loaded with.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.classList && form.classList.contains("language-form") && form.elements.next) {
    form.elements.next.value = window.location.pathname + window.location.search;
  }
});

// Forms of texts written in one language with translations into the others (listings, experiences): a
// translation is into the languages the text is not written in. When the language written in changes
// (select[data-written-in]), its translation block hides (unless something is typed in it) and the others show.
document.addEventListener("change", function (event) {
  var select = event.target;
  if (!(select.matches && select.matches("select[data-written-in]"))) {
    return;
  }
  document.querySelectorAll("details[data-translation]").forEach(function (block) {
    var filled = Array.from(block.querySelectorAll("input, textarea")).some(function (field) {
      return field.value.trim() !== "";
    });
    block.hidden = block.getAttribute("data-translation") === select.value && !filled;
  });
});
