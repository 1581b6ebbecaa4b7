// Search suggestions for inputs with data-autocomplete: names and tags after 2 characters,
// offered in the input's <datalist>; picking one opens it. Without this file the search form
// works the same, minus the suggestions.
(function () {
  "use strict";
  document.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var urls = {};
    var timer = null;
    if (!list) return;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim();
      if (urls[input.value]) { window.location.href = urls[input.value]; return; }
      if (text.length < 2) { list.replaceChildren(); return; }
      timer = setTimeout(function () {
        fetch(input.dataset.autocomplete + "?q=" + encodeURIComponent(text), {
          headers: { Accept: "application/json" },
        })
          .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
          .then(function (data) {
            urls = {};
            list.replaceChildren.apply(list, data.suggestions.map(function (item) {
              var option = document.createElement("option");
              option.value = item.title;
              option.label = item.type_label;
              urls[item.title] = item.url;
              return option;
            }));
          })
          .catch(function () { /* offline: the plain form still works */ });
      }, 150);
    });
  });
})();
