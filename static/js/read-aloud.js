/* 朗读: <button data-read-aloud="selector" hidden> reads the text of that element aloud with the browser's
 * speech synthesis, in Chinese. The button stays hidden where the browser has no speech synthesis or no
 * Chinese voice (many phones load their voices late: voiceschanged). A second tap stops the reading.
 * Plain ES5 for old phones; no inline script (the Content-Security-Policy). */
(function () {
  "use strict";
  var speech = window.speechSynthesis;
  if (!speech || !window.SpeechSynthesisUtterance) {
    return;
  }

  function chineseVoice() {
    var voices = speech.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (/^(zh|cmn)([-_]|$)/i.test(voices[i].lang || "")) {
        return voices[i];
      }
    }
    return null;
  }

  function buttons() {
    return document.querySelectorAll("[data-read-aloud]");
  }

  function showWhereThereIsAVoice() {
    var found = chineseVoice() !== null;
    var all = buttons();
    for (var i = 0; i < all.length; i++) {
      all[i].hidden = !found;
    }
  }

  function setLabel(button, speaking) {
    button.textContent = speaking ? "停止朗读" : "朗读";
    button.setAttribute("aria-pressed", speaking ? "true" : "false");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-read-aloud]") : null;
    if (!button) {
      return;
    }
    if (speech.speaking) {
      speech.cancel();
      setLabel(button, false);
      return;
    }
    var source = document.querySelector(button.getAttribute("data-read-aloud"));
    var voice = chineseVoice();
    if (!source || !voice) {
      return;
    }
    var text = (source.innerText || source.textContent || "").replace(/\s+/g, " ").trim();
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = voice.lang;
    utterance.voice = voice;
    utterance.rate = 0.9; // a little slower than the default, for older listeners
    utterance.onend = utterance.onerror = function () {
      setLabel(button, false);
    };
    setLabel(button, true);
    speech.speak(utterance);
  });

  showWhereThereIsAVoice();
  if (speech.addEventListener) {
    speech.addEventListener("voiceschanged", showWhereThereIsAVoice);
  }
})();
