/* The presenter view (slides/index.html) and its speaker notes window (notes.html).

   Presenter view: keys for the page as a whole, so a clicker works without focusing
   anything: next/previous animation (arrows, PageUp/PageDown, which clickers send),
   space play/pause, "," and "." one frame, [ ] speed, s the notes panel, n the notes
   window, f full screen, h hide the key line. The address's #scenario-name picks the
   first slide. Nothing plays until the presenter asks.

   Notes window: opened by n, it shows the notes of the slide on show and the numbers
   under the picture. The two talk by postMessage, which works between pages opened
   from disk (file://, where each page is its own origin, so "*" is the only target
   that reaches the other window; the messages carry nothing private). The notes window
   says hello when it loads (and again while it hears nothing, so it finds a presenter
   view that was reloaded); the presenter view answers with the slide on show and sends
   it again whenever it changes; keys pressed in the notes window are sent back and
   act as if pressed in the presenter view. */
(function () {
  "use strict";
  var TAG = "gdanim-presenter";

  function send(target, message) {
    message.gdanim = TAG;
    try { target.postMessage(message, "*"); } catch (e) { /* window closed */ }
  }

  function ours(event) {
    return event.data && typeof event.data === "object" && event.data.gdanim === TAG;
  }

  function typing(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return true;
    var t = event.target;
    return t.tagName === "SELECT" || (t.tagName === "INPUT" && t.type !== "range");
  }

  if (document.body.classList.contains("speaker")) speakerWindow();
  else presenterView();

  function presenterView() {
    var slides = Array.prototype.slice.call(document.querySelectorAll("section.slide"));
    var help = document.querySelector(".help");
    var current = 0;
    var notesWindow = null;
    var lastSent = "";

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
      tell();
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

    // What the notes window shows: which slide, and the numbers under the picture.
    function state() {
      var readout = slides[current].querySelector(".player-readout");
      var p = player(current);
      return {type: "slide", index: current, id: slides[current].dataset.slide,
              readout: readout ? readout.textContent : "",
              playing: !!(p && !p.video.paused)};
    }

    function tell(force) {
      if (!notesWindow || notesWindow.closed) return;
      var now = state(), text = JSON.stringify(now);
      if (text === lastSent && !force) return;
      lastSent = text;
      send(notesWindow, now);
    }

    function openNotes() {
      if (notesWindow && !notesWindow.closed) {
        notesWindow.focus();
        return;
      }
      notesWindow = window.open("notes.html", "gdanim-notes", "width=960,height=720");
      lastSent = "";
    }

    function act(key) {
      var p = player(current);
      switch (key) {
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
        case "s": document.body.classList.toggle("show-notes"); break;
        case "n": openNotes(); break;
        default: return false;
      }
      return true;
    }

    document.addEventListener("keydown", function (event) {
      if (typing(event) || !act(event.key)) return;
      event.preventDefault();
      event.stopPropagation();  // the player's own keys must not act twice
    }, true);

    window.addEventListener("message", function (event) {
      if (!ours(event) || !event.source) return;
      if (event.data.type === "hello") {
        notesWindow = event.source;  // ours, or one opened before this page reloaded
        tell(true);
      } else if (event.data.type === "key" && event.source === notesWindow) {
        var key = String(event.data.key);
        if (key !== "n" && key !== "f") act(key);  // no windows opened from afar
      }
    });

    // The numbers under the picture change as it plays: keep the notes window's in step.
    setInterval(function () { tell(); }, 250);
    window.addEventListener("hashchange", function () { go(fromAddress(), false); });
    go(fromAddress(), false);
    window.gdanimPresenter = {go: go, current: function () { return current; }};
  }

  function speakerWindow() {
    var slides = Array.prototype.slice.call(document.querySelectorAll("section.speaker-slide"));
    var count = document.querySelector(".speaker-count");
    var clock = document.querySelector(".speaker-clock");
    var link = document.querySelector(".speaker-link");
    var started = Date.now(), heard = 0;
    var presenter = window.opener;

    function show(message) {
      var i = Math.max(0, Math.min(slides.length - 1, Number(message.index) || 0));
      slides.forEach(function (s, k) { s.hidden = k !== i; });
      count.textContent = (i + 1) + " / " + slides.length + (message.playing ? " \u00b7 playing" : "");
      var readout = slides[i].querySelector(".speaker-readout");
      readout.textContent = message.readout || "";
      document.body.dataset.slide = String(i);
    }

    function hello() {
      if (presenter && !presenter.closed) send(presenter, {type: "hello"});
    }

    window.addEventListener("message", function (event) {
      if (!ours(event) || event.source !== presenter || event.data.type !== "slide") return;
      heard = Date.now();
      link.hidden = true;
      show(event.data);
    });

    document.addEventListener("keydown", function (event) {
      if (typing(event) || !presenter || presenter.closed) return;
      if (["ArrowRight", "ArrowDown", "PageDown", "ArrowLeft", "ArrowUp", "PageUp", " ", "k",
           ",", ".", "[", "]", "Home", "End", "h", "s"].indexOf(event.key) < 0) return;
      event.preventDefault();
      send(presenter, {type: "key", key: event.key});
    });

    clock.addEventListener("click", function () { started = Date.now(); tick(); });
    function tick() {
      var s = Math.floor((Date.now() - started) / 1000);
      clock.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    }
    setInterval(function () {
      tick();
      if (Date.now() - heard > 2500) {
        link.hidden = false;
        hello();  // the presenter view may have been reloaded: find it again
      }
    }, 1000);
    hello();
  }
})();
