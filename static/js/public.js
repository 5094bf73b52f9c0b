// The public pages (contact form, thank-you page, quote, payment).
(function () {
  "use strict";

  // Inside a school's website (static/js/embed.js on its page), tell the page how tall
  // this one is, so that its frame shows the whole form and no scroll bar of its own,
  // and, from the thank-you page, that a request was sent (for the site's statistics).
  // The message holds nothing else, nothing of the request, and only the school's
  // declared sites may frame these pages (frame-ancestors): "*" reaches no one else.
  // The thank-you page tells of a request sent once: not again when it is reloaded,
  // reached through the browser's history, or shown again for the same request
  // (a replayed form lands on the same thank-you address).
  function aRequestJustSent() {
    if (!document.body.hasAttribute("data-request-sent")) {
      return false;
    }
    var navigation = window.performance && window.performance.getEntriesByType
      ? window.performance.getEntriesByType("navigation")[0]
      : null;
    if (navigation && navigation.type !== "navigate") {
      return false;
    }
    try {
      var key = "msem:request-sent:" + window.location.pathname;
      if (window.sessionStorage.getItem(key)) {
        return false;
      }
      window.sessionStorage.setItem(key, "1");
    } catch (refused) {
      // Storage refused to a framed page (the browser's privacy settings): the
      // navigation's type alone decides.
    }
    return true;
  }

  function tellTheFramingPage() {
    var first = true;
    var pending = false;
    var requestSent = aRequestJustSent();
    function send() {
      pending = false;
      var height = Math.ceil(document.body.getBoundingClientRect().height);
      window.parent.postMessage(
        { type: "msem:height", height: height, newPage: first, requestSent: first && requestSent },
        "*"
      );
      first = false;
    }
    function schedule() {
      if (!pending) {
        pending = true;
        window.setTimeout(send, 0);
      }
    }
    // At once, not at the next frame drawn: a browser draws no frame for a page
    // out of view, which the thank-you page is when the school's page was scrolled.
    send();
    window.addEventListener("load", schedule);
    if (window.ResizeObserver) {
      new ResizeObserver(schedule).observe(document.body);
    } else {
      window.addEventListener("resize", schedule);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    // Move the focus to the error summary so that it is read out.
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) {
      summary.focus();
    }
    if (window.parent !== window) {
      tellTheFramingPage();
    }
  });
})();
