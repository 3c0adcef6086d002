// opsbook's only script, served by opsbook itself (the pages allow no inline script).
// A run page that is still going follows the run: the server says when something happened
// (server-sent events) and the page fetches the new state, already rendered and escaped.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var live = document.getElementById("live");
  if (!live || live.dataset.live !== "true" || !window.EventSource) {
    return;
  }
  var source = new EventSource(live.dataset.stream);
  var refreshing = false;
  var again = false;
  function refresh() {
    if (refreshing) { again = true; return; }
    refreshing = true;
    fetch(live.dataset.fragment, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        live.innerHTML = html;
        // the fragment came with a new form token (and its cookie): every form of the page takes it
        var token = live.querySelector("[data-form-token]");
        if (token) {
          document.querySelectorAll("input[name=_csrf]").forEach(function (field) { field.value = token.dataset.formToken; });
        }
      })
      .finally(function () {
        refreshing = false;
        if (again) { again = false; refresh(); }
      });
  }
  source.addEventListener("update", refresh);
  source.addEventListener("end", function () {
    source.close();
    live.dataset.live = "false";
    refresh();
  });
});
