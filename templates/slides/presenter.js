/* Presenter view keys (slides/index.html), for the page as a whole, so a clicker
   works without focusing anything: next/previous animation (arrows, PageUp/PageDown,
   which clickers send), space play/pause, "," and "." one frame, [ ] speed, f full
   screen, h hide the key line. The address's #scenario-name picks the first slide.
   Nothing plays until the presenter asks. */
(function () {
  "use strict";
  var slides = Array.prototype.slice.call(document.querySelectorAll("section.slide"));
  var help = document.querySelector(".help");
  var current = 0;

  function player(i) {
    var root = slides[i] && slides[i].querySelector(".player");
    return root && root.gdanimPlayer;
  }

  function go(i, updateAddress) {
    i = Math.max(0, Math.min(slides.length - 1, i));
    var before = player(current);
    if (before) before.pause(true);
    slides.forEach(function (s, k) { s.hidden = k !== i; });
    current = i;
    document.body.dataset.slide = String(i);
    if (updateAddress !== false && history.replaceState) {
      history.replaceState(null, "", "#" + slides[i].dataset.slide);
    }
  }

  function fromAddress() {
    var id = decodeURIComponent(location.hash.slice(1));
    for (var i = 0; i < slides.length; i++) {
      if (slides[i].dataset.slide === id) return i;
    }
    return 0;
  }

  function fullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) {
      var asked = document.documentElement.requestFullscreen();
      if (asked && asked.catch) asked.catch(function () {});
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.tagName === "SELECT" || event.target.tagName === "INPUT" &&
        event.target.type !== "range") return;
    var p = player(current);
    switch (event.key) {
      case "ArrowRight": case "ArrowDown": case "PageDown": go(current + 1); break;
      case "ArrowLeft": case "ArrowUp": case "PageUp": go(current - 1); break;
      case " ": case "k": if (p) p.playOrPause(); break;
      case ",": if (p) p.step(-1); break;
      case ".": if (p) p.step(1); break;
      case "[": if (p) p.changeSpeed(-1); break;
      case "]": if (p) p.changeSpeed(1); break;
      case "Home": go(0); break;
      case "End": go(slides.length - 1); break;
      case "f": fullscreen(); break;
      case "h": if (help) help.hidden = !help.hidden; break;
      default: return;
    }
    event.preventDefault();
    event.stopPropagation();  // the player's own keys must not act twice
  }, true);

  window.addEventListener("hashchange", function () { go(fromAddress(), false); });
  go(fromAddress(), false);
  window.gdanimPresenter = {go: go, current: function () { return current; }};
})();
