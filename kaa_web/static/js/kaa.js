// kaa_web's only script: small progressive enhancements on top of pages that work without it.
(function () {
  "use strict";

  // 409: the answer says in place what could not be saved (someone else saved first, or the
  // minutes are locked): swap it in, but keep the request counted as failed.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 409) { event.detail.shouldSwap = true; }
  });

  // Show a Swedish message when an htmx request fails, instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var box = document.getElementById("htmx-fel");
    var status = event.detail.xhr.status;
    if (!box || status === 409) { return; }
    box.textContent = status === 404 || status === 403
      ? "Uppgiften finns inte eller så saknar du behörighet."
      : "Något gick fel (felkod " + status + "). Ladda om sidan och försök igen.";
    box.hidden = false;
  });
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("htmx-fel");
    if (box) { box.textContent = "Servern svarar inte. Kontrollera anslutningen och försök igen."; box.hidden = false; }
  });

  // A form or submit button marked data-bekrafta asks before it does something that cannot be
  // undone.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = (button && button.getAttribute("data-bekrafta")) ||
      (event.target.getAttribute && event.target.getAttribute("data-bekrafta"));
    if (question && !window.confirm(question)) { event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);

  // Fields of forms marked data-varna-osparat: warn before the page is left with something
  // typed but not saved. A field is saved when its form is submitted, or when an htmx request
  // (an autosave) succeeds that sent exactly what the field holds now.
  var unsaved = [];
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.form && field.form.hasAttribute("data-varna-osparat") && unsaved.indexOf(field) < 0) {
      unsaved.push(field);
    }
  });
  document.addEventListener("submit", function (event) {
    unsaved = unsaved.filter(function (f) { return f.form !== event.target; });
  }, true);
  document.addEventListener("htmx:afterRequest", function (event) {
    var sent = event.detail.requestConfig && event.detail.requestConfig.formData;
    if (!event.detail.successful || !sent) { return; }
    unsaved = unsaved.filter(function (f) { return !(sent.has(f.name) && sent.get(f.name) === f.value); });
  });
  window.addEventListener("beforeunload", function (event) {
    unsaved = unsaved.filter(function (f) { return document.body.contains(f); });
    if (unsaved.length) { event.preventDefault(); event.returnValue = ""; }
  });

  // A second click on a submit button does nothing while the first submission is on its way.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post" || form.hasAttribute("hx-post")) { return; }
    if (form.dataset.submitted === "yes") { event.preventDefault(); return; }
    form.dataset.submitted = "yes";
    window.setTimeout(function () { form.dataset.submitted = ""; }, 5000);
  });

  // A print button (receipts): no inline handlers under the CSP.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) { window.print(); }
  });

  // Move focus to an error summary so keyboard and screen-reader users hear it first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-autofocus]");
    if (summary) { summary.focus(); }
  });
})();
