/* gdanim player. Each <div class="player"> holds a <video controls> that works on its
   own; this script replaces the native controls with ours: play/pause, one frame back
   or forward, a scrubber, a speed menu (0.25x to 2x), full screen, and a readout of the
   numbers behind the frame on screen. The numbers come from a JSON <script> inside the
   player (so they work from disk, file://, where fetch() is refused), else from the
   build's <name>.frames.json. Keys inside a player (a click on the animation puts
   them there), listed under it: space plays or
   pauses, the arrow keys step, Home and End jump to the first and last frame, [ and ]
   slow down and speed up, f toggles full screen.

   Motion: nothing plays unless the reader allows motion (no prefers-reduced-motion:
   reduce) and the player allows autoplay (no data-autoplay="off"); then a video plays
   while it is in view, until the reader pauses it. */
(function () {
  "use strict";

  var EPSILON = 1e-3;  // currentTime * fps lands a hair under a whole frame after seeks
  var reduceMotion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)")
                                       : {matches: false};
  var ICONS = {
    play: "M8 5.5v13l11-6.5z",
    pause: "M7 5h3.5v14H7zM13.5 5H17v14h-3.5z",
    back: "M6 5h2.2v14H6zM19 5.5v13l-9.5-6.5z",
    forward: "M15.8 5H18v14h-2.2zM5 5.5v13l9.5-6.5z",
    fullscreen: "M4 4h6v2H6v4H4zM14 4h6v6h-2V6h-4zM4 14h2v4h4v2H4zM18 14h2v6h-6v-2h4z"
  };
  var SPEEDS = [0.25, 0.5, 0.75, 1, 1.5, 2];

  function icon(name) {
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  function button(name, label, keys) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "player-" + name;
    b.setAttribute("aria-label", label);
    b.title = label + " (" + keys + ")";
    b.appendChild(icon(name));
    return b;
  }

  // Numbers as every output prints them (static/numbers.js, loaded before this script);
  // without it, plain digits rather than a readout that throws.
  function number(x) { return window.GDNumber ? window.GDNumber.number(x) : String(x); }
  function count(n) { return window.GDNumber ? window.GDNumber.count(n) : String(Math.round(n)); }

  function Player(root) {
    this.root = root;
    this.video = root.querySelector("video");
    this.fps = Number(root.dataset.fps);
    this.count = Number(root.dataset.frameCount);
    this.posterFrame = Number(root.dataset.posterFrame || 0);
    this.table = null;           // frames.json, once loaded
    this.onPoster = true;        // the poster shows until the first play or seek
    this.pausedByReader = false; // the reader pressed pause: do not resume on scroll
    this.shown = -1;
    this.pending = null;         // the frame a seek waits to show (see wholeVideo)
    this.build();
    this.listen();
    this.show(this.posterFrame);
    var embedded = root.querySelector("script.player-data");
    if (embedded) {
      try {
        this.table = JSON.parse(embedded.textContent);
        this.shown = -1;
        this.sync();
      } catch (e) { /* fall back to the file */ }
    }
    if (!this.table && root.dataset.frames) this.load(root.dataset.frames);
  }

  Player.prototype.build = function () {
    var video = this.video;
    video.controls = false;
    this.root.classList.add("enhanced");
    var bar = document.createElement("div");
    bar.className = "player-controls";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Animation controls");
    this.back = button("back", "Previous frame", "left arrow");
    this.toggle = button("play", "Play", "space");
    this.forward = button("forward", "Next frame", "right arrow");
    this.scrubber = document.createElement("input");
    this.scrubber.type = "range";
    this.scrubber.className = "player-scrubber";
    this.scrubber.min = "0";
    this.scrubber.max = String(this.count - 1);
    this.scrubber.step = "1";
    this.scrubber.setAttribute("aria-label", "Frame");
    this.speed = document.createElement("select");
    this.speed.className = "player-speed";
    this.speed.setAttribute("aria-label", "Speed");
    this.speed.title = "Speed ([ slower, ] faster)";
    SPEEDS.forEach(function (rate) {
      var option = document.createElement("option");
      option.value = String(rate);
      option.textContent = rate + "\u00d7";
      this.speed.appendChild(option);
    }, this);
    this.speed.value = "1";
    this.full = button("fullscreen", "Full screen", "f");
    // iPhone Safari has no full screen for a page element, only the video's own.
    if (!this.root.requestFullscreen && !this.video.webkitEnterFullscreen) this.full.hidden = true;
    this.readout = document.createElement("output");
    this.readout.className = "player-readout";
    this.readout.setAttribute("aria-live", "polite");
    [this.back, this.toggle, this.forward, this.scrubber, this.speed, this.full]
      .forEach(function (el) { bar.appendChild(el); });
    this.keys = document.createElement("p");
    this.keys.className = "player-keys";
    // Two hints, one shown: keys where there is a keyboard and a mouse, taps on a touch
    // screen (style.css picks by the device's pointer).
    var keyHint = document.createElement("span");
    keyHint.className = "hint-keys";
    keyHint.textContent = "Keys, after a click on the animation: space play/pause \u00b7 " +
      "\u2190 \u2192 one frame \u00b7 [ ] slower/faster \u00b7 f full screen";
    var touchHint = document.createElement("span");
    touchHint.className = "hint-touch";
    touchHint.textContent = "Tap the picture to play or pause \u00b7 drag the slider to " +
      "any moment \u00b7 the last button shows it full screen (turn your phone sideways)";
    this.keys.appendChild(keyHint);
    this.keys.appendChild(touchHint);
    this.root.appendChild(bar);
    this.root.appendChild(this.readout);
    this.root.appendChild(this.keys);
  };

  // Playback speed: one of SPEEDS; `delta` moves along the list ([ and ]).
  Player.prototype.setSpeed = function (rate) {
    this.video.playbackRate = rate;
    this.video.defaultPlaybackRate = rate;
    this.speed.value = String(rate);
  };

  Player.prototype.changeSpeed = function (delta) {
    var i = SPEEDS.indexOf(this.video.playbackRate);
    if (i < 0) i = SPEEDS.indexOf(1);  // a rate set elsewhere: count from 1x
    this.setSpeed(SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, i + delta))]);
  };

  Player.prototype.fullscreen = function () {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (this.root.requestFullscreen) {
      var asked = this.root.requestFullscreen();
      if (asked && asked.catch) asked.catch(function () { /* refused: stay inline */ });
    } else if (this.video.webkitEnterFullscreen) {
      this.video.webkitEnterFullscreen();  // the phone's own player, sideways at full size
    }
  };

  Player.prototype.listen = function () {
    var self = this, video = this.video;
    this.toggle.addEventListener("click", function () { self.playOrPause(); });
    this.back.addEventListener("click", function () { self.step(-1); });
    this.forward.addEventListener("click", function () { self.step(1); });
    this.speed.addEventListener("change", function () {
      self.setSpeed(Number(self.speed.value));
    });
    this.full.addEventListener("click", function () { self.fullscreen(); });
    video.addEventListener("click", function () { self.playOrPause(); });
    // A click anywhere on the player but its controls (the picture, the readout) gives
    // it the keyboard, so space plays and pauses there instead of scrolling the page.
    this.root.tabIndex = -1;
    this.root.addEventListener("click", function (event) {
      if (!event.target.closest("button, select, input") &&
          document.activeElement !== self.root) {
        self.root.focus({preventScroll: true});
      }
    });
    this.scrubber.addEventListener("input", function () {
      self.pause(true);
      self.seek(Number(self.scrubber.value));
    });
    this.root.addEventListener("keydown", function (event) { self.key(event); });
    video.addEventListener("play", function () { self.playing(true); });
    video.addEventListener("pause", function () { self.playing(false); });
    ["seeked", "timeupdate", "loadeddata"].forEach(function (type) {
      video.addEventListener(type, function () { self.sync(); });
    });
  };

  Player.prototype.load = function (url) {
    var self = this;
    if (!window.fetch) return;
    fetch(url).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + url);
      return r.json();
    }).then(function (table) {
      self.table = table;
      self.shown = -1;
      self.sync();
    }).catch(function () { /* the readout keeps to frame numbers */ });
  };

  Player.prototype.frameAt = function (seconds) {
    var k = Math.floor(seconds * this.fps + EPSILON);
    return Math.max(0, Math.min(this.count - 1, k));
  };

  Player.prototype.current = function () {
    if (this.pending !== null) return this.pending;  // a seek waiting for the whole video
    return this.onPoster ? this.posterFrame : this.frameAt(this.video.currentTime);
  };

  Player.prototype.sync = function () {
    this.show(this.current());
  };

  Player.prototype.show = function (k) {
    if (k === this.shown) return;
    this.shown = k;
    this.scrubber.value = String(k);
    var parts = this.describe(k), readout = this.readout;
    // One unbreakable piece per number, so a narrow screen wraps between them.
    readout.replaceChildren();
    parts.forEach(function (part, i) {
      var span = document.createElement("span");
      span.textContent = i < parts.length - 1 ? part + " \u00b7" : part;
      if (i) readout.appendChild(document.createTextNode(" "));
      readout.appendChild(span);
    });
    this.scrubber.setAttribute("aria-valuetext", parts.join(", "));
  };

  Player.prototype.describe = function (k) {
    var table = this.table;
    if (!table || !table.frames || !table.frames[k]) {
      return ["frame " + (k + 1) + " of " + this.count];
    }
    var row = table.frames[k], last = table.frames[table.frames.length - 1];
    var parts = [table.label + " " + count(row.epoch) + " of " + count(last.epoch)];
    if (table.runs) {  // several runs at once: each run's loss
      table.runs.forEach(function (name, i) {
        var left = table.left ? table.left[i] : null;
        var off = left !== null && left !== undefined && row.epoch >= left;
        parts.push(name + ": " + (off ? "off the plot from epoch " + count(left) + ", " : "")
                   + "loss " + number(row.loss[i]));
      });
      return parts;
    }
    row.params.forEach(function (value, i) {
      parts.push((table.names[i] || "parameter " + (i + 1)) + " " + number(value));
    });
    parts.push("loss " + number(row.loss));
    return parts;
  };

  // Seek to the middle of frame k: robust to rounding in the decoder and in frameAt.
  Player.prototype.seek = function (k) {
    var self = this, video = this.video;
    k = Math.max(0, Math.min(this.count - 1, k));
    this.onPoster = false;
    this.show(k);
    this.whenReady(function () {
      var at = (k + 0.5) / self.fps;
      if (self.pending === null && self.canSeek(at)) {
        video.currentTime = at;
        return;
      }
      self.pending = k;
      self.wholeVideo(function () {
        var wanted = self.pending;
        self.pending = null;
        video.currentTime = (wanted + 0.5) / self.fps;
      });
    });
  };

  Player.prototype.canSeek = function (seconds) {
    var ranges = this.video.seekable;
    for (var i = 0; i < ranges.length; i++) {
      if (ranges.start(i) <= seconds && seconds <= ranges.end(i)) return true;
    }
    return false;
  };

  // A server that ignores byte ranges (python -m http.server, some hosts) leaves the
  // browser nothing it may seek in: every seek lands on frame 1. Then the video is
  // fetched whole, once, and played from memory (a blob: URL seeks anywhere); `then`
  // runs when it is ready, or at once if that cannot be done. (From disk, file://,
  // seeking works and fetch() is refused.)
  Player.prototype.wholeVideo = function (then) {
    var self = this, video = this.video;
    if (this.waiting) return this.waiting.push(then);
    if (this.inMemory || !window.fetch || !window.URL || !/^https?:$/.test(location.protocol)) {
      return then();
    }
    this.waiting = [then];
    var done = function () {
      var waiting = self.waiting;
      self.waiting = null;
      waiting.forEach(function (f) { f(); });
    };
    fetch(video.currentSrc).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + video.currentSrc);
      return r.blob();
    }).then(function (blob) {
      self.inMemory = true;
      video.addEventListener("loadedmetadata", done, {once: true});
      video.src = URL.createObjectURL(blob);  // takes over from the <source>
    }).catch(done);
  };

  Player.prototype.step = function (delta) {
    var from = this.current();
    this.pause(true);
    this.seek(from + delta);
  };

  // A preload="none" video has no data yet: ask for it, then run `then`.
  Player.prototype.whenReady = function (then) {
    var video = this.video;
    if (video.readyState >= 1) return then();
    video.addEventListener("loadedmetadata", function () { then(); }, {once: true});
    if (video.preload === "none" || video.networkState === video.NETWORK_EMPTY) {
      video.preload = "auto";
      video.load();
    }
  };

  Player.prototype.play = function () {
    var video = this.video;
    if (this.onPoster) {
      this.onPoster = false;
      this.shown = -1;
    }
    var started = video.play();
    if (started && started.catch) started.catch(function () { /* stays paused */ });
  };

  Player.prototype.pause = function (byReader) {
    if (byReader) this.pausedByReader = true;
    if (!this.video.paused) this.video.pause();
  };

  Player.prototype.playOrPause = function () {
    if (this.video.paused) {
      this.pausedByReader = false;
      this.play();
    } else {
      this.pause(true);
    }
  };

  Player.prototype.playing = function (on) {
    var self = this;
    this.toggle.replaceChildren(icon(on ? "pause" : "play"));
    this.toggle.className = "player-" + (on ? "pause" : "play");
    this.toggle.setAttribute("aria-label", on ? "Pause" : "Play");
    this.toggle.title = (on ? "Pause" : "Play") + " (space)";
    // Announce the frame when it holds still, not twenty times a second.
    this.readout.setAttribute("aria-live", on ? "off" : "polite");
    if (!on) return this.sync();
    var tick = function () {
      if (self.video.paused) return;
      self.sync();
      if (self.video.requestVideoFrameCallback) self.video.requestVideoFrameCallback(tick);
      else window.requestAnimationFrame(tick);
    };
    tick();
  };

  Player.prototype.key = function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    // Space and Enter already press a focused button; everywhere else space toggles.
    if (event.target.tagName === "BUTTON" && (event.key === " " || event.key === "Enter")) {
      if (event.target !== this.toggle && event.key === " ") {
        event.preventDefault();
        this.playOrPause();
      }
      return;
    }
    switch (event.key) {
      case " ":
      case "k":
        this.playOrPause();
        break;
      case "ArrowLeft":
      case "ArrowDown":
        this.step(-1);
        break;
      case "ArrowRight":
      case "ArrowUp":
        this.step(1);
        break;
      case "Home":
        this.pause(true);
        this.seek(0);
        break;
      case "End":
        this.pause(true);
        this.seek(this.count - 1);
        break;
      case "[":
        this.changeSpeed(-1);
        break;
      case "]":
        this.changeSpeed(1);
        break;
      case "f":
        this.fullscreen();
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  // Play what is in view (unless the reader paused it), pause what scrolls away.
  Player.prototype.inView = function (visible) {
    if (reduceMotion.matches || this.root.dataset.autoplay === "off") return;
    if (visible && !this.pausedByReader) this.play();
    else if (!visible) this.pause(false);
  };

  var players = [];
  document.querySelectorAll(".player").forEach(function (root) {
    if (root.querySelector("video") && Number(root.dataset.frameCount) > 0) {
      players.push(new Player(root));
    }
  });

  players.forEach(function (p) { p.root.gdanimPlayer = p; });
  window.gdanimPlayers = players;
  window.gdanimPlayers.number = number;    // for tests: the readout's number format

  if ("IntersectionObserver" in window) {
    var watcher = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        entry.target.gdanimPlayer.inView(entry.isIntersecting);
      });
    }, {threshold: 0.5});
    players.forEach(function (p) { watcher.observe(p.root); });
  }

  // "Copy" buttons beside code snippets (the "Use in slides" boxes).
  document.querySelectorAll("button.copy[data-copy]").forEach(function (b) {
    var source = document.getElementById(b.dataset.copy);
    if (!source) return;
    b.hidden = false;
    b.addEventListener("click", function () {
      var done = function () {
        b.textContent = "Copied";
        setTimeout(function () { b.textContent = "Copy"; }, 1500);
      };
      var text = source.textContent;
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { select(source); });
      } else {
        select(source);
      }
    });
  });

  function select(element) {  // no clipboard access: select it for Ctrl+C
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // Asking for less motion part-way through stops what we started.
  if (reduceMotion.addEventListener) {
    reduceMotion.addEventListener("change", function () {
      if (reduceMotion.matches) players.forEach(function (p) { p.pause(false); });
    });
  }
})();
