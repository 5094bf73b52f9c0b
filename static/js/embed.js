// Msem's contact form in a school's website. The school's page holds
//   <iframe src="https://…/fr/<school>/contact/" title="…" data-msem-form width="100%" frameborder="0" height="1200"></iframe>
//   <script src="https://…/static/js/embed.js" async></script>
// (the Paramètres page gives the exact code). Each form page tells its height
// (static/js/public.js); this script gives the frame that height, so the form,
// its errors and the thank-you page show whole, without a scroll bar of their own.
// It changes nothing else: the frame's look (width, border) is in the code, for the website to adapt.
// Once a request is sent, it fires `msem:request-sent` on the frame, for the website's statistics.
(function () {
  "use strict";
  var LARGEST = 20000;

  function msemFrames() {
    return document.querySelectorAll("iframe[data-msem-form]");
  }

  function frameOf(source) {
    var frames = msemFrames();
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === source) {
        return frames[i];
      }
    }
    return null;
  }

  function originOf(frame) {
    try {
      return new URL(frame.src, document.baseURI).origin;
    } catch (error) {
      return null;
    }
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "msem:height") {
      return;
    }
    var frame = frameOf(event.source);
    // Only the form's own pages, from Msem's address, may size its frame.
    if (!frame || event.origin !== originOf(frame)) {
      return;
    }
    var height = Number(data.height);
    if (!isFinite(height) || height <= 0) {
      return;
    }
    frame.style.height = Math.min(Math.ceil(height), LARGEST) + "px";
    // After sending, the thank-you page is short: bring it into view if the page
    // was scrolled down to the end of the long form.
    if (data.newPage && frame.getBoundingClientRect().top < 0) {
      frame.scrollIntoView({ block: "start" });
    }
    // For the website's statistics: `msem:request-sent` on the frame, once per request
    // sent (it bubbles up to the document), with nothing of the request in it.
    if (data.newPage && data.requestSent === true) {
      frame.dispatchEvent(new CustomEvent("msem:request-sent", { bubbles: true }));
    }
  });
})();
