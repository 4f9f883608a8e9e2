// Saves the interview kit's draft as the interviewer types; the form works
// without this script (its Save draft button posts the same fields).
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) return;
  var status = form.querySelector("[data-autosave-status]");
  var timer = null;
  var pending = false;
  var saving = false;

  function say(text) {
    if (status) status.textContent = text;
  }

  function save() {
    timer = null;
    if (saving) {
      pending = true;
      return;
    }
    saving = true;
    pending = false;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          if (response.ok) {
            var at = new Date(body.saved_at);
            say(form.dataset.savedLabel + " " + at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
            form.dataset.savedAt = body.saved_at;
          } else {
            say(body.detail || form.dataset.failedLabel);
          }
        });
      })
      .catch(function () {
        say(form.dataset.offlineLabel);
      })
      .then(function () {
        saving = false;
        if (pending) schedule();
      });
  }

  function schedule() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 700);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
