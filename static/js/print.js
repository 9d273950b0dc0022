/* 打印: a button with data-print prints the page (the stylesheet's print rules hide the rest).
 * A file of its own: pages carry no inline script. Plain ES5 for old phone browsers. */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function () { window.print(); });
  }
})();
