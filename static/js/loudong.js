/* Small behaviours the pages ask for with data- attributes, so that no page needs an inline script or
 * an on...= handler (the Content-Security-Policy allows scripts from our static files only):
 *   <button data-print>             prints the page
 *   <button data-back>              goes back one page
 *   <form data-confirm="question">  asks before it is sent
 *   <input type="file" data-count="#id">  writes "已选 N 张" into that element when files are chosen
 * Listeners sit on the document, so parts that htmx swaps in work too. Plain ES5 for old phones. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print], [data-back]") : null;
    if (!target) {
      return;
    }
    if (target.hasAttribute("data-print")) {
      window.print();
    } else {
      window.history.back();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    var selector = input.getAttribute && input.getAttribute("data-count");
    var output = selector ? document.querySelector(selector) : null;
    if (output) {
      output.textContent = input.files && input.files.length ? "已选 " + input.files.length + " 张" : "";
    }
  });
})();
