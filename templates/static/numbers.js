/* gdanim numbers: how a number is printed in the page, the same as every other output
   prints it (gdanim/core/text.py `number`): five significant digits, thousands grouped,
   an exponent below 0.001 or from a million (four digits: 2.040e+10), a true minus
   sign, and a tie rounded to the even digit as Python rounds it (9,630.25 prints
   9,630.2; Intl's default would give .3). The player's readout (player.js) and the
   explorer's engine (engine.js) both print through it; tests/test_browser.py holds it to
   core/text.py. Defines window.GDNumber (and module.exports for node). */
(function (root) {
  "use strict";

  var FIXED = new Intl.NumberFormat("en-US", {maximumSignificantDigits: 5, useGrouping: true,
                                              roundingMode: "halfEven"});
  var SCIENTIFIC = new Intl.NumberFormat("en-US", {notation: "scientific", minimumFractionDigits: 3,
                                                   maximumFractionDigits: 3, roundingMode: "halfEven"});

  function exponent(x) {       // 2.040e+10 and 4.757e-16, as Python writes them
    return SCIENTIFIC.format(x).replace(/E(-?)(\d+)$/, function (m, sign, digits) {
      return "e" + (sign || "+") + (digits.length < 2 ? "0" : "") + digits;
    });
  }

  // Not a finite number (null included): float32 overflowed.
  function number(x) {
    if (typeof x !== "number" || !isFinite(x)) return "too large for float32";
    var text = x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6) ? exponent(x) : FIXED.format(x);
    return text.replace(/-/g, "\u2212");
  }

  // A whole number: 1,468.
  function count(n) {
    return Math.round(n).toLocaleString("en-US");
  }

  var GDNumber = {number: number, count: count};
  if (typeof module !== "undefined" && module.exports) module.exports = GDNumber;
  if (root) root.GDNumber = GDNumber;
})(typeof window !== "undefined" ? window : null);
