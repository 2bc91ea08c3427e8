/* gdanim "Your turn". Each <li class="exercise"> carries, in a JSON <script>, what its
   check needs (templates/exercises.html, from the chapter's exercises.py):
   - a number: the build's answer, the tolerance, what it means when right, and known
     wrong answers with what each one means;
   - an explorer task: conditions on the explorer's published state (the data-state-*
     attributes of section.explorer, see static/explorer.js), each with what to say when
     it does not hold.
   Feedback is in words (and a class for colour). Typed answers are kept in this
   browser's localStorage, if it allows, and nowhere else. Works from file://. */
(function () {
  "use strict";

  // "−2,681.35", "-2681.35", "0,5" (a decimal comma), "1.2e-3" -> a number, or NaN.
  function parseNumber(raw) {
    var t = String(raw).trim().replace(/[\u2212\u2012\u2013\u2014\uFE63\uFF0D]/g, "-")
      .replace(/[\s\u00a0\u202f']/g, "");
    if (/^[-+]?\d+,\d+$/.test(t) && !/^[-+]?\d{1,3},\d{3}$/.test(t)) t = t.replace(",", ".");
    else t = t.replace(/,(?=\d{3}(\D|$))/g, "");
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return NaN;
    return parseFloat(t);
  }

  function store(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch (e) { /* storage refused (private mode, some file:// setups): fine */ }
  }

  function recall(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function say(feedback, kind, text) {
    feedback.className = "feedback " + kind;
    feedback.textContent = text;
  }

  function near(a, b, tolerance) {
    return Math.abs(a - b) <= tolerance * (1 + 1e-9) + 1e-12;
  }

  function checkNumber(data, input, feedback) {
    var raw = input.value;
    if (!raw.trim()) {
      say(feedback, "empty", "Type a number first, then press Check.");
      return;
    }
    var v = parseNumber(raw);
    if (isNaN(v)) {
      say(feedback, "wrong", "Not a number this page can read: “" + raw.trim() + "”. Use " +
          "digits, a point for decimals and a minus sign if needed, for example −12.5.");
      input.setAttribute("aria-invalid", "true");
      return;
    }
    if (near(v, data.answer, data.tolerance)) {
      input.setAttribute("aria-invalid", "false");
      say(feedback, "right", "Right: " + data.right);
      return;
    }
    input.setAttribute("aria-invalid", "true");
    for (var i = 0; i < data.mistakes.length; i++) {
      if (near(v, data.mistakes[i].value, data.tolerance)) {
        say(feedback, "wrong", "Not quite. " + data.mistakes[i].why);
        return;
      }
    }
    var why;
    if (data.answer !== 0 && v !== 0 && (v < 0) !== (data.answer < 0)) {
      why = "Check the sign: the answer is " + (data.answer < 0 ? "negative" : "positive") + ".";
    } else if (data.answer !== 0 && Math.abs(v / data.answer) > 5) {
      why = "It is more than five times too large: check your working step by step.";
    } else if (data.answer !== 0 && Math.abs(v / data.answer) < 0.2) {
      why = "It is less than a fifth of the answer: check your working step by step.";
    } else {
      why = "It is " + (v > data.answer ? "too large" : "too small") +
            ", by more than the tolerance under the box.";
    }
    say(feedback, "wrong", "Not yet: " + raw.trim() + " is not the answer. " + why +
        " The hint below may help.");
  }

  // The explorer's state as it publishes it (data-state-*), or null before it runs.
  function explorerState() {
    var section = document.querySelector("section.explorer[data-state-verdict]");
    if (!section) return null;
    var state = {};
    Array.prototype.forEach.call(section.attributes, function (a) {
      if (a.name.indexOf("data-state-") === 0) {
        state[a.name.slice(11).replace(/-/g, "_")] = a.value;
      }
    });
    return state;
  }

  function holds(check, state) {
    var raw = state[check.key];
    if (raw === undefined) return false;
    if (check["in"] && check["in"].map(String).indexOf(raw) < 0) return false;
    if (check.min !== undefined || check.max !== undefined) {
      if (raw === "") return false;
      var values = raw.split(",").map(parseFloat);
      // A number bounds every element; a list bounds each by position (null: none).
      function bound(b, i) { return b instanceof Array ? b[i] : b; }
      for (var i = 0; i < values.length; i++) {
        var lo = bound(check.min, i), hi = bound(check.max, i);
        if (!isFinite(values[i])) return false;
        if (lo !== undefined && lo !== null && values[i] < lo) return false;
        if (hi !== undefined && hi !== null && values[i] > hi) return false;
      }
    }
    return true;
  }

  function checkExplorer(data, feedback) {
    var state = explorerState();
    if (!state) {
      say(feedback, "empty", "The explorer above has not started (it needs JavaScript). " +
          "The worked solution below names a run that works.");
      return;
    }
    var shown = "The explorer shows a run that " + state.says + ". ";
    for (var i = 0; i < data.checks.length; i++) {
      if (!holds(data.checks[i], state)) {
        say(feedback, "wrong", "Not yet. " + shown + data.checks[i].why);
        return;
      }
    }
    say(feedback, "right", "Right. " + shown + "That does it: " + data.right);
  }

  function setUp(li) {
    var data = JSON.parse(li.querySelector("script.exercise-data").textContent);
    var form = li.querySelector("form.check");
    var feedback = li.querySelector(".feedback");
    var input = form.querySelector("input");
    var key = "gdanim:" + window.location.pathname.split("/").pop() + ":" +
              li.getAttribute("data-exercise");
    form.hidden = false;
    if (input) {
      var saved = recall(key);
      if (saved) input.value = saved;
      input.addEventListener("input", function () {
        store(key, input.value.trim() ? input.value : null);
        feedback.textContent = "";
        feedback.className = "feedback";
        input.removeAttribute("aria-invalid");
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (data.kind === "number") checkNumber(data, input, feedback);
      else checkExplorer(data, feedback);
    });
    // "Set the explorer to this run": the link's #lr=... sets it; bring it into view.
    Array.prototype.forEach.call(li.querySelectorAll("a.show-run"), function (a) {
      a.addEventListener("click", function () {
        var explorer = document.getElementById("explore");
        if (explorer) window.setTimeout(function () { explorer.scrollIntoView(); }, 0);
      });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("li.exercise"), function (li) {
      try { setUp(li); } catch (e) { /* leave this one as plain text; never break the page */ }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
