// kaa_web's only script: small progressive enhancements on top of pages that work without it.
(function () {
  "use strict";

  // Show a Swedish message when an htmx request fails, instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var box = document.getElementById("htmx-fel");
    if (!box) { return; }
    var status = event.detail.xhr.status;
    box.textContent = status === 404 || status === 403
      ? "Uppgiften finns inte eller så saknar du behörighet."
      : "Något gick fel (felkod " + status + "). Ladda om sidan och försök igen.";
    box.hidden = false;
  });
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("htmx-fel");
    if (box) { box.textContent = "Servern svarar inte. Kontrollera anslutningen och försök igen."; box.hidden = false; }
  });

  // A form marked data-bekrafta asks before it does something that cannot be undone.
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-bekrafta");
    if (question && !window.confirm(question)) { event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);

  // Forms marked data-varna-osparat: warn before the page is left with text typed but unsaved
  // (the record page has one form per item; saving one must not silently drop the others).
  var unsaved = [];
  function forget(form) { unsaved = unsaved.filter(function (f) { return f !== form; }); }
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-varna-osparat") && unsaved.indexOf(form) < 0) { unsaved.push(form); }
  });
  document.addEventListener("submit", function (event) { forget(event.target); }, true);
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) { forget(event.detail.elt); }
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
