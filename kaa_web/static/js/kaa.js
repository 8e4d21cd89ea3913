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
