/* Recruiter pages: a Copy button beside each candidate link.
 *
 * A progressive enhancement: without this file the whole link stays visible in a
 * read-only field that can be selected and copied by hand.
 */
(function () {
  "use strict";

  var fields = document.querySelectorAll("[data-invitation-link]");
  if (!fields.length) {
    return;
  }

  // The Clipboard API where the page may use it; selecting and the older copy
  // command elsewhere (it still needs the click that calls it).
  function copy(field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value);
    }
    field.focus();
    field.select();
    return document.execCommand("copy")
      ? Promise.resolve()
      : Promise.reject(new Error("copy refused"));
  }
  Array.prototype.forEach.call(fields, function (field) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-small button-secondary copy-button";
    button.textContent = field.getAttribute("data-copy-label");
    button.setAttribute("aria-describedby", field.id);
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      copy(field).then(
        function () {
          status.textContent = field.getAttribute("data-copied-label");
        },
        function () {
          field.select();
          status.textContent = field.getAttribute("data-copy-failed-label");
        }
      );
    });
    field.insertAdjacentElement("afterend", status);
    field.insertAdjacentElement("afterend", button);
  });
})();
