/* 复制链接: a button with data-copy="#id" copies that element's text.
 * Where the Clipboard API is missing (older WeChat browsers, sites on plain http) or refuses, the
 * text is selected instead and the button asks the resident to long-press it: nothing throws.
 * Plain ES5, no build step: it must run in old phone browsers. */
(function () {
  "use strict";

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function askToLongPress(button, element) {
    selectText(element);
    button.textContent = "已选中链接，请长按复制";
  }

  function copy(button) {
    var element = document.querySelector(button.getAttribute("data-copy"));
    if (!element) {
      return;
    }
    var clipboard = navigator.clipboard;
    if (!clipboard || typeof clipboard.writeText !== "function") {
      askToLongPress(button, element);
      return;
    }
    try {
      clipboard.writeText(element.textContent.trim()).then(
        function () { button.textContent = "已复制"; },
        function () { askToLongPress(button, element); }
      );
    } catch (error) {
      askToLongPress(button, element);
    }
  }

  var buttons = document.querySelectorAll("[data-copy]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function () { copy(this); });
  }
})();
